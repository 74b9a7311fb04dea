# expect: Lmakefile.py:4: ... condor
from lmake.rules import Rule
import lmake
lmake.config.backends.condor = {"cpu": 1}
