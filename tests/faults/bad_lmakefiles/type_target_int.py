# expect: Lmakefile.py:3: ... not 3
from lmake.rules import Rule
class A(Rule):
    target = 3
    cmd = ""
