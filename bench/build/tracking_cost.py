#!/usr/bin/env python3
"""The cost of dependency tracking on a real build (issue 4's benchmark): the same generated C project
(gen_c_project.py) built from scratch with -j2 by ninja, by lmake with tracking (ld_preload, the default),
and by lmake with autodep='none' on every rule, in one run. Prints seconds and ratios to ninja.
Usage: tracking_cost.py INSTALL_DIR WORK_DIR [N]
"""
import os
import re
import shutil
import subprocess
import sys
import time

INSTALL, WORK = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
N = int(sys.argv[3]) if len(sys.argv) > 3 else 1000
GEN = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', '..', 'shared', 'bench', 'gen_c_project.py')
ENV = dict(os.environ, PATH=os.path.join(INSTALL, 'bin') + ':' + os.environ['PATH'])
ENV.pop('LMAKE_ARGS', None)


def timed(cmd, cwd):
    t = time.perf_counter()
    r = subprocess.run(cmd, cwd=cwd, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if r.returncode != 0:
        sys.exit(f'{cmd[0]} failed in {cwd}:\n{r.stderr}')
    return time.perf_counter() - t


def main():
    shutil.rmtree(WORK, ignore_errors=True)
    os.makedirs(WORK)
    gen = os.path.abspath(GEN) if os.path.exists(GEN) else '/work/shared/bench/gen_c_project.py'
    subprocess.run([sys.executable, gen, str(N), WORK, '--tools', 'lmake,ninja'], check=True, stdout=subprocess.DEVNULL)
    untracked = os.path.join(WORK, 'lmake_none')
    shutil.copytree(os.path.join(WORK, 'lmake'), untracked, symlinks=True)
    lmakefile = os.path.join(untracked, 'Lmakefile.py')
    with open(lmakefile) as f:
        text = f.read()
    # every rule class gets autodep='none': jobs run without the shim, only static deps are known
    text = re.sub(r'^(\s*)class (\w+)\(Rule\):\n', lambda m: f"{m.group(0)}{m.group(1)}    autodep = 'none'\n", text, flags=re.M)
    with open(lmakefile, 'w') as f:
        f.write(text)
    tracked, none = 'lmake (ld_preload)', "lmake (autodep='none')"
    t = {
        'ninja': timed(['ninja', '-j2', 'prog'], os.path.join(WORK, 'ninja')),
        tracked: timed(['lmake', '-j', '2', 'prog'], os.path.join(WORK, 'lmake')),
        none: timed(['lmake', '-j', '2', 'prog'], untracked),
    }
    print(f'full build of {N} C files (gen_c_project.py), -j2, seconds')
    for tool, s in t.items():
        print(f'{tool:24} {s:9.3f}   x ninja {s / t["ninja"]:5.2f}')
    print(f'tracking cost: {t[tracked] / t[none]:.3f} x untracked lmake')


if __name__ == '__main__':
    main()
