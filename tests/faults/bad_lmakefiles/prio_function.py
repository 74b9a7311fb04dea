# expect: Lmakefile.py:3: ... prio cannot be a function
from lmake.rules import Rule
class A(Rule):
    target = "x"
    def prio(): return 1
    cmd = ""
