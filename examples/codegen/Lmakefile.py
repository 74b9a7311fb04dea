# A code generator feeding a compile: gen_ops.py turns the table ops.def into ops.h and ops.c, which are
# compiled with the program. The generator's own source is a dep too (lmake sees python read it), so editing
# the table or the generator reruns it; a regeneration that yields the same files stops there.
import lmake
from lmake.rules import Rule, PyRule

lmake.manifest = ('Lmakefile.py', 'ops.def', 'gen_ops.py', 'calc.c')

class Generate(Rule):
    targets = {'H': 'ops.h', 'C': 'ops.c'}
    deps    = {'TABLE': 'ops.def', 'GEN': 'gen_ops.py'}
    cmd     = 'python3 {GEN} {TABLE} {H} {C}'

class Compile(Rule):
    targets = {'OBJ': r'{File:.*}.o'}
    deps    = {'SRC': '{File}.c'}
    cmd     = 'gcc -Wall -O1 -c -o {OBJ} {SRC}'

class Link(Rule):
    targets = {'EXE': 'calc'}
    deps    = {'MAIN': 'calc.o', 'OPS': 'ops.o'}
    cmd     = 'gcc -o {EXE} {MAIN} {OPS}'

class Run(PyRule):                                          # calc.out: what the program prints
    target = 'calc.out'
    deps   = {'EXE': 'calc'}
    def cmd():
        import subprocess
        print(subprocess.run(['./' + EXE], capture_output=True, text=True, check=True).stdout, end='')
