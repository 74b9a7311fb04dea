# expect: Lmakefile.py:5: ... syntax error: unexpected indent
from lmake.rules import Rule
class A(Rule):
    target = "x"
      cmd = ""
