# expect: Lmakefile.py:3: ... max_stderr_len
from lmake.rules import Rule
class A(Rule):
    target = "x"
    max_stderr_len = "long"
    cmd = ""
