# expect: Lmakefile.py:3: ... deps must be a dict
from lmake.rules import Rule
class A(Rule):
    target = "x"
    deps = ["a"]
    cmd = ""
