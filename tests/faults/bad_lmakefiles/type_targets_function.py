# expect: Lmakefile.py:3: ... targets cannot be a function
from lmake.rules import Rule
class A(Rule):
    def targets(): return {"T": "x"}
    target = "y"
    cmd = ""
