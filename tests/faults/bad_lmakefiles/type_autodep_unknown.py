# expect: Lmakefile.py:3: ... autodep
from lmake.rules import Rule
class A(Rule):
    target = "x"
    autodep = "magic"
    cmd = ""
