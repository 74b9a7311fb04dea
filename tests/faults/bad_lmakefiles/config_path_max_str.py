# expect: Lmakefile.py:4: ... path_max
from lmake.rules import Rule
import lmake
lmake.config.path_max = "long"
