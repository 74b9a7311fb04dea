# expect: Lmakefile.py:3: ... stem N is defined twice
from lmake.rules import Rule
class A(Rule):
    targets = {"A": r"a{N:\d}", "B": r"b{N:[a-z]}"}
    cmd = ""
