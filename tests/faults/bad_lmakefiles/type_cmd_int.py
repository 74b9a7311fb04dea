# expect: Lmakefile.py:3: ... cmd
from lmake.rules import Rule
class A(Rule):
    target = "x"
    cmd = 3
