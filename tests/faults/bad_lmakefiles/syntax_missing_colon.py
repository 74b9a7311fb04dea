# expect: Lmakefile.py:3: ... syntax error: expected ':'
from lmake.rules import Rule
class A(Rule)
    target = "x"
