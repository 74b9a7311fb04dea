# expect: Lmakefile.py:6: ... A
from lmake.rules import Rule
class A(Rule):
    target = "x"
    cmd = ""
class B(Rule):
    name = "A"
    target = "y"
    cmd = ""
