# expect: Lmakefile.py:3: ... bad regexpr for stem N
from lmake.rules import Rule
class A(Rule):
    target = r"x{N:(\d}"
    cmd = ""
