# expect: Lmakefile.py:3: ... side_targets
from lmake.rules import Rule
class A(Rule):
    target = "x"
    side_targets = 3
    cmd = ""
