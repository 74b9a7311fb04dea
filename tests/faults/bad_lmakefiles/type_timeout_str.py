# expect: Lmakefile.py:3: ... timeout = 'soon'
from lmake.rules import Rule
class A(Rule):
    target = "x"
    timeout = "soon"
    cmd = ""
