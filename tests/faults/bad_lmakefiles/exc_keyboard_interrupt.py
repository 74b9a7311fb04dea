# expect: Lmakefile.py:3: ... KeyboardInterrupt
from lmake.rules import Rule
raise KeyboardInterrupt
