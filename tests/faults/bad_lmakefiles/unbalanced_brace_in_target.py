# expect: Lmakefile.py:3: ... x{N
from lmake.rules import Rule
class A(Rule):
    target = "x{N:\\d"
    cmd = ""
