#!/usr/bin/env python3
"""The cost of tracking on a real build: gen_c_project.py's C project built from scratch with lmake -j2 under
autodep none, ld_preload and ptrace (the same Lmakefile, its rules given each method), with ninja -j2 as the
yardstick. The builds take turns, ROUNDS times (each from a fresh copy), and the best of each is kept, so that
a machine busy with something else weighs on all of them alike. Usage: run_build.py INSTALL_DIR WORK_DIR [N] [ROUNDS]
"""
import os
import shutil
import subprocess
import sys
import time

INSTALL, WORK = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
N = int(sys.argv[3]) if len(sys.argv) > 3 else 1000
ROUNDS = int(sys.argv[4]) if len(sys.argv) > 4 else 2
HERE = os.path.dirname(os.path.abspath(__file__))
GEN = os.path.join(HERE, '..', '..', '..', 'shared', 'bench', 'gen_c_project.py')
if not os.path.exists(GEN):
    GEN = '/work/shared/bench/gen_c_project.py'
ENV = dict(os.environ, PATH=os.path.join(INSTALL, 'bin') + ':' + os.environ['PATH'])
ENV.pop('LMAKE_ARGS', None)
METHODS = ('none', 'ld_preload', 'ptrace')


def with_method(lmakefile, method):
    """The generated Lmakefile with autodep = method in each of its rule classes."""
    out = []
    for line in lmakefile.splitlines(keepends=True):
        out.append(line)
        stripped = line.lstrip()
        if stripped.startswith('class ') and stripped.rstrip().endswith('(Rule):'):
            indent = line[:len(line) - len(stripped)] + '    '
            out.append(f"{indent}autodep = '{method}'\n")
    return ''.join(out)


def timed(cmd, cwd):
    t = time.perf_counter()
    r = subprocess.run(cmd, cwd=cwd, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if r.returncode != 0:
        sys.exit(f'{" ".join(cmd)} failed in {cwd}:\n{r.stderr}')
    return time.perf_counter() - t


def main():
    shutil.rmtree(WORK, ignore_errors=True)
    gen = os.path.join(WORK, 'gen')
    os.makedirs(gen)
    subprocess.run([sys.executable, GEN, str(N), gen, '--tools', 'lmake,ninja'], check=True, stdout=subprocess.DEVNULL)
    with open(os.path.join(gen, 'lmake', 'Lmakefile.py')) as f:
        lmakefile = f.read()
    for method in METHODS:
        shutil.copytree(os.path.join(gen, 'lmake'), os.path.join(gen, method), symlinks=True)
        with open(os.path.join(gen, method, 'Lmakefile.py'), 'w') as f:
            f.write(with_method(lmakefile, method))
    builds = {'ninja': ['ninja', '-j2', 'prog'], **{m: ['lmake', '-j', '2', 'prog'] for m in METHODS}}
    times = {name: float('inf') for name in builds}
    for round_ in range(ROUNDS):
        for name, cmd in builds.items():
            d = os.path.join(WORK, f'run-{name}-{round_}')  # a path of its own: no lmake server of a previous build
            shutil.rmtree(d, ignore_errors=True)
            shutil.copytree(os.path.join(gen, name), d, symlinks=True)
            times[name] = min(times[name], timed(cmd, d))
            shutil.rmtree(d, ignore_errors=True)
    print(f'full build of gen_c_project.py\'s {N}-file C project, -j2, seconds (best of {ROUNDS}, builds taking turns)')
    print(f'{"build":26} {"seconds":>9} {"x ninja":>8} {"x none":>8}')
    print(f'{"ninja":26} {times["ninja"]:9.2f} {1:8.2f} {"":>8}')
    for method in METHODS:
        t = times[method]
        print(f'{"lmake autodep=" + method:26} {t:9.2f} {t / times["ninja"]:8.2f} {t / times["none"]:8.2f}')
    shutil.rmtree(WORK, ignore_errors=True)


if __name__ == '__main__':
    main()
