# expect: Lmakefile.py:3: ... dep
from lmake.rules import Rule
class A(Rule):
    target = "x"
    dep = 3
    cmd = ""
