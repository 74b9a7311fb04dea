# expect: Lmakefile.py:5: ... ZeroDivisionError
from lmake.rules import Rule
class A(Rule):
    target = "x"
    n = 1/0
