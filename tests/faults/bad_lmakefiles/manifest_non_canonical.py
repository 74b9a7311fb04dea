# expect: Lmakefile.py:4: ... a//b
from lmake.rules import Rule
import lmake
lmake.manifest = ("Lmakefile.py", "a//b")
