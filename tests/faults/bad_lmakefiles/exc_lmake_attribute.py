# expect: Lmakefile.py:4: ... AttributeError
from lmake.rules import Rule
import lmake
lmake.no_such_thing()
