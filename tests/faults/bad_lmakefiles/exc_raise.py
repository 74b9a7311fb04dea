# expect: Lmakefile.py:3: ... not today
from lmake.rules import Rule
raise RuntimeError("not today")
