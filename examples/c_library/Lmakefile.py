# A C project: a static library, a program that uses it, and unit tests run as jobs.
# Headers are never listed: lmake sees gcc read them. A test's result is its own file (tests/NAME.ok), so
# only the tests whose inputs changed run again.
import lmake
from lmake.rules import Rule

TESTS   = ('test_add', 'test_mul')                          # tests/NAME.c, each a program exiting 0 on success
LIB_OBJ = ('lib/add.o', 'lib/mul.o')

lmake.manifest = (
    'Lmakefile.py', 'lib/mathx.h', 'lib/add.c', 'lib/mul.c', 'src/calc.c',
    *(f'tests/{t}.c' for t in TESTS),
)

class Compile(Rule):
    targets = {'OBJ': r'{File:.*}.o'}
    deps    = {'SRC': '{File}.c'}
    cmd     = 'gcc -Wall -O1 -Ilib -c -o {OBJ} {SRC}'

class Archive(Rule):
    targets = {'LIB': 'lib/libmathx.a'}
    deps    = {f'O{i}': o for i, o in enumerate(LIB_OBJ)}
    cmd     = 'ar rcs {LIB} ' + ' '.join(f'{{O{i}}}' for i in range(len(LIB_OBJ)))

class Link(Rule):
    targets = {'EXE': r'{Dir:src|tests}/{Name:[^/]*}.exe'}
    deps    = {'OBJ': '{Dir}/{Name}.o', 'LIB': 'lib/libmathx.a'}
    cmd     = 'gcc -o {EXE} {OBJ} {LIB}'

class RunTest(Rule):
    target = r'tests/{Name:[^/]*}.ok'                       # the test's stdout
    deps   = {'EXE': 'tests/{Name}.exe'}
    cmd    = './{EXE}'

class Check(Rule):                                          # `lmake check`: every test, one line each
    target = 'check'
    deps   = {t: f'tests/{t}.ok' for t in TESTS}
    cmd    = 'cat ' + ' '.join(f'{{{t}}}' for t in TESTS)
