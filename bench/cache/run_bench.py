#!/usr/bin/env python3
"""bench-cache: a full build from a warm shared cache against ninja's full build, on gen_c_project.py's C project.

In one run: ninja's full build; lmake's full build with the cache empty (it fills it: every compile, archive and the
link are cached); then a second copy of the project (a second clone: no LMAKE/, no object) built from the warm cache;
then the first copy again after `rm -rf LMAKE` and its objects. Prints seconds and the ratios to ninja.
Usage: run_bench.py INSTALL_DIR WORK_DIR [N]
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
CACHE = os.path.join(WORK, 'cache')


def timed(cmd, cwd):
    t = time.perf_counter()
    r = subprocess.run(cmd, cwd=cwd, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    dt = time.perf_counter() - t
    if r.returncode != 0:
        sys.exit(f'{" ".join(cmd)} failed in {cwd}:\n{r.stdout[-2000:]}\n{r.stderr[-2000:]}')
    return dt, r.stdout


def wait_server_gone(repo):
    """The repo's server exits when idle; the next build must start from nothing (a fresh clone)."""
    deadline = time.time() + 30
    while os.path.exists(os.path.join(repo, 'LMAKE', 'server')) and time.time() < deadline:
        time.sleep(0.05)


def clean_copy(src, dst):
    shutil.copytree(src, dst, ignore=shutil.ignore_patterns('LMAKE', '*.o', '*.a', 'prog'))


def main():
    shutil.rmtree(WORK, ignore_errors=True)
    os.makedirs(os.path.join(CACHE, 'LMAKE'))
    with open(os.path.join(CACHE, 'LMAKE', 'config.py'), 'w') as f:
        f.write("size = '4G'\n")
    gen = os.path.abspath(GEN) if os.path.exists(GEN) else '/work/shared/bench/gen_c_project.py'
    subprocess.run([sys.executable, gen, str(N), WORK, '--tools', 'lmake,ninja'], check=True, stdout=subprocess.DEVNULL)
    first = os.path.join(WORK, 'lmake')
    lmakefile = os.path.join(first, 'Lmakefile.py')
    with open(lmakefile) as f:
        text = f.read()
    text = text.replace('from lmake.rules import Rule\n', f"from lmake.rules import Rule\nlmake.config.caches.bench = {{'dir': '{CACHE}'}}\n", 1)
    text = re.sub(r'^(\s*)class (\w+)\(Rule\):\n', lambda m: f"{m.group(0)}{m.group(1)}    cache   = 'bench'\n", text, flags=re.M)
    with open(lmakefile, 'w') as f:
        f.write(text)
    second = os.path.join(WORK, 'lmake2')
    clean_copy(first, second)

    ninja, _ = timed(['ninja', '-j2', 'prog'], os.path.join(WORK, 'ninja'))
    fill, _ = timed(['lmake', '-j', '2', 'prog'], first)
    warm, out = timed(['lmake', '-j', '2', 'prog'], second)
    hits = out.count(' hit_done ')
    wait_server_gone(first)
    shutil.rmtree(os.path.join(first, 'LMAKE'))
    for d, _, files in os.walk(first):
        for f in files:
            if f.endswith(('.o', '.a')) or f == 'prog':
                os.unlink(os.path.join(d, f))
    again, out2 = timed(['lmake', '-j', '2', 'prog'], first)
    hits2 = out2.count(' hit_done ')
    with open(os.path.join(second, 'prog'), 'rb') as a, open(os.path.join(WORK, 'ninja', 'prog'), 'rb') as b:
        same = 'the same' if a.read() == b.read() else 'NOT the same'
    size = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(CACHE) for f in fs if '/LMAKE' not in d)
    print(f'C project of {N} files (gen_c_project.py), -j2, seconds')
    print(f'{"scenario":44} {"seconds":>8} {"x ninja":>8}')
    print(f'{"ninja full build":44} {ninja:8.3f} {1:8.2f}')
    print(f'{"lmake full build, filling an empty cache":44} {fill:8.3f} {fill / ninja:8.2f}')
    print(f'{"lmake, second clone, warm cache":44} {warm:8.3f} {warm / ninja:8.2f}   ({hits} hit_done)')
    print(f'{"lmake, rm -rf LMAKE and objects, warm cache":44} {again:8.3f} {again / ninja:8.2f}   ({hits2} hit_done)')
    print(f'cache: {size / 1e6:.1f} MB; prog of the second clone is {same} as ninja\'s')


if __name__ == '__main__':
    main()
