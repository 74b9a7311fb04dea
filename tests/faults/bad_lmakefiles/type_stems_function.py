# expect: Lmakefile.py:3: ... stems cannot be a function
from lmake.rules import Rule
class A(Rule):
    target = r"x{N}"
    def stems(): return {"N": ".*"}
    cmd = ""
