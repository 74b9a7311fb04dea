# expect: Lmakefile.py:3: ... the rules are wrong
from lmake.rules import Rule
assert 1 == 2, "the rules are wrong"
