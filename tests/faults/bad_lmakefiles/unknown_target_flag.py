# expect: Lmakefile.py:3: ... unknown_flag
from lmake.rules import Rule
class A(Rule):
    targets = {"T": ("x", "unknown_flag")}
    cmd = ""
