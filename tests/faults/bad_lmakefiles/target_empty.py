# expect: Lmakefile.py:3: ... target target: empty name
from lmake.rules import Rule
class A(Rule):
    target = ""
    cmd = ""
