# expect: Lmakefile.py:3: ... max_runs = 'many'
from lmake.rules import Rule
class A(Rule):
    target = "x"
    max_runs = "many"
    cmd = ""
