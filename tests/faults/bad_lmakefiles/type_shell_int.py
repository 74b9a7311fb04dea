# expect: Lmakefile.py:3: ... shell
from lmake.rules import Rule
class A(Rule):
    target = "x"
    shell = 3
    cmd = ""
