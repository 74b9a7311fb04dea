# expect: Lmakefile.py:3: ... prio = 'high'
from lmake.rules import Rule
class A(Rule):
    target = "x"
    prio = "high"
    cmd = ""
