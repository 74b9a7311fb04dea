# expect: Lmakefile.py:4: ... syntax error: '(' was never closed
from lmake.rules import Rule
class A(Rule):
    target = ("x"
    cmd = ""
