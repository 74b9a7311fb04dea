# The part of the build lmake does for the Makefile beside it: compile and link the program (headers are
# found by watching gcc, the decision is by content).
import lmake
from lmake.rules import Rule

lmake.manifest = ('Lmakefile.py', 'Makefile', 'main.c', 'version.h', 'NOTES.txt')

class Compile(Rule):
    targets = {'OBJ': r'{File:.*}.o'}
    deps    = {'SRC': '{File}.c'}
    cmd     = 'gcc -Wall -O1 -c -o {OBJ} {SRC}'

class Link(Rule):
    targets = {'EXE': 'tool'}
    deps    = {'MAIN': 'main.o'}
    cmd     = 'gcc -o {EXE} {MAIN}'
