# expect: Lmakefile.py:4: ... max_error_lines
from lmake.rules import Rule
import lmake
lmake.config.max_error_lines = "ten"
