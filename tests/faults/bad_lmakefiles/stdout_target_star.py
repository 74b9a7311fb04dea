# expect: Lmakefile.py:3: ... the stdout of cmd cannot be a star target
from lmake.rules import Rule
class A(Rule):
    target = r"x{*:\d}"
    cmd = ""
