# expect: Lmakefile.py:3: ... NameError
from lmake.rules import Rule
undefined_name
