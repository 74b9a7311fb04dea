# expect: Lmakefile.py:3: ... stem N has no regexpr
from lmake.rules import Rule
class A(Rule):
    target = "x{N}"
    cmd = ""
