# expect: Lmakefile.py:3: ... cannot import name 'Base'
from lmake.rules import Rule
from Lmakefile import Base
class A(Base):
    target = "x"
    cmd    = ""
