# expect: Lmakefile.py:4: ... rel
from lmake.rules import Rule
import lmake
lmake.config.caches.c = {"dir": "rel"}
