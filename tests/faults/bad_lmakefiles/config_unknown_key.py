# expect: Lmakefile.py:4: ... max_dep_dpth
from lmake.rules import Rule
import lmake
lmake.config.max_dep_dpth = 3
