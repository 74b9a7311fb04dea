# expect: Lmakefile.py:3: ... stem N
from lmake.rules import Rule
class A(Rule):
    target = r"x{N:*}"
    cmd = ""
