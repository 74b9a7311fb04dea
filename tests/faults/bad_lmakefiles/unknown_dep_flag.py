# expect: Lmakefile.py:3: ... bogus
from lmake.rules import Rule
class A(Rule):
    target = "x"
    deps = {"D": ("y", "bogus")}
    cmd = ""
