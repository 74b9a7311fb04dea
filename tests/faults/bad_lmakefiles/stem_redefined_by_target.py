# expect: Lmakefile.py:3: ... a stem defined several times must be defined the same way
from lmake.rules import Rule
class Obj(Rule):
    stems  = {"N": r"\d+"}
    target = r"obj{N:[a-z]+}"
    cmd    = ""
