# expect: Lmakefile.py:3: ... targets must be a dict
from lmake.rules import Rule
class A(Rule):
    targets = "x"
    cmd = ""
