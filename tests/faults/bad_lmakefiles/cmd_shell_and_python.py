# expect: Lmakefile.py:6: ... cmd mixes shell strings and python functions
from lmake.rules import Rule
class Base(Rule):
    def cmd():
        print("from python")
class A(Base):
    target = "x"
    cmd    = "echo from the shell"
