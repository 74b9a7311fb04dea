# expect: Lmakefile.py:3: ... ModuleNotFoundError
from lmake.rules import Rule
import no_such_module_here
