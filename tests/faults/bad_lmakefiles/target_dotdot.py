# expect: Lmakefile.py:3: ... ../up
from lmake.rules import Rule
class A(Rule):
    target = "../up"
    cmd = ""
