# expect: Lmakefile.py:3: ... environ
from lmake.rules import Rule
class A(Rule):
    target = "x"
    environ = "X=1"
    cmd = ""
