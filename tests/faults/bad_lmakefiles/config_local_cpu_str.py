# expect: Lmakefile.py:4: ... cpu
from lmake.rules import Rule
import lmake
lmake.config.backends.local.cpu = "many"
