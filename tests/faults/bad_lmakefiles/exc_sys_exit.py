# expect: Lmakefile.py:4: ... SystemExit
from lmake.rules import Rule
import sys
sys.exit(3)
