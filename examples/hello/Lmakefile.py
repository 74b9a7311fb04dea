# A C program built by lmake: compile, link, run. Headers are never listed: lmake sees gcc read them.
import lmake
from lmake.rules import Rule, PyRule

lmake.manifest = ('Lmakefile.py', 'hello.c', 'greeting.c', 'greeting.h')

class Compile(Rule):
    targets = {'OBJ': r'{File:.*}.o'}
    deps    = {'SRC': '{File}.c'}
    cmd     = 'gcc -c -o {OBJ} {SRC}'

class Link(Rule):
    targets = {'EXE': 'hello'}
    deps    = {'MAIN': 'hello.o', 'GREETING': 'greeting.o'}
    cmd     = 'gcc -o {EXE} {MAIN} {GREETING}'

class Run(PyRule):
    target = r'{File:.*}.out'
    deps   = {'EXE': '{File}'}
    def cmd():
        import subprocess
        print(subprocess.run(['./' + EXE], capture_output=True, text=True, check=True).stdout, end='')
