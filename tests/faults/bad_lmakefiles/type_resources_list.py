# expect: Lmakefile.py:3: ... resources
from lmake.rules import Rule
class A(Rule):
    target = "x"
    resources = ["cpu"]
    cmd = ""
