# expect: Lmakefile.py:4: ... link_support
from lmake.rules import Rule
import lmake
lmake.config.link_support = "some"
