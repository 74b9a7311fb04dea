# expect: Lmakefile.py:4: ... manifest
from lmake.rules import Rule
import lmake
lmake.manifest = 3
