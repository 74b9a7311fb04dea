# expect: Lmakefile.py:3: ... /tmp/abs_target
from lmake.rules import Rule
class A(Rule):
    target = "/tmp/abs_target"
    cmd = ""
