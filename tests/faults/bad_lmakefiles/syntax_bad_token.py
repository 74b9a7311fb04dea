# expect: Lmakefile.py:4: ... syntax error: invalid syntax
from lmake.rules import Rule
class A(Rule):
    target = "x" $
