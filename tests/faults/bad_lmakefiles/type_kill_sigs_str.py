# expect: Lmakefile.py:3: ... kill_sigs
from lmake.rules import Rule
class A(Rule):
    target = "x"
    kill_sigs = "TERM"
    cmd = ""
