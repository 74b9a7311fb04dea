#!/usr/bin/env python3
"""bench-launch: the launch rate of bench-build (TRIVIAL jobs `echo N > out_N`, -j2, server up) and the no-op of the
same targets, for this install and another one (AGAINST=DIR, e.g. the build before a change), interleaved round by
round so that both meet the same load, medians: wall time, server CPU per job, no-op time, and the ratios.
Usage: run_launch_against.py INSTALL AGAINST WORK_DIR [TRIVIAL_JOBS] [ROUNDS]
"""

import os, subprocess, sys, time, shutil, statistics
B, A, WORK = sys.argv[1], sys.argv[2], sys.argv[3]
N = int(sys.argv[4]) if len(sys.argv) > 4 else 1000
ROUNDS = int(sys.argv[5]) if len(sys.argv) > 5 else 3
os.makedirs(WORK, exist_ok=True)
def env(inst):
    e = dict(os.environ, PATH=os.path.join(inst, 'bin') + ':' + os.environ['PATH']); e.pop('LMAKE_ARGS', None); return e
def cpu_of(d):
    try:
        pid = int(open(os.path.join(d, 'LMAKE/server')).read().split('\n')[1])
        f = open(f'/proc/{pid}/stat').read().rsplit(')', 1)[1].split()
        return (int(f[11]) + int(f[12])) / os.sysconf('SC_CLK_TCK')
    except Exception: return 0.0
res = {A: [], B: []}
noop = {A: [], B: []}
for r in range(ROUNDS):
    for inst in (A, B):
        d = os.path.join(WORK, f'{r}-{"this" if inst == B else "against"}')
        shutil.rmtree(d, ignore_errors=True); os.makedirs(d)
        open(os.path.join(d, 'Lmakefile.py'), 'w').write("""import lmake
from lmake.rules import Rule
lmake.manifest = ('Lmakefile.py',)
class Echo(Rule):
    targets = {'OUT': r'out_{N:\\d+}'}
    cmd = 'echo {N} > {OUT}'
""")
        names = [f'out_{i}' for i in range(N)]
        e = env(inst)
        subprocess.run(['lmake', 'warm_up_no_such_file'], cwd=d, env=e, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        c0 = cpu_of(d); t = time.perf_counter()
        p = subprocess.run(['lmake', '-j', '2'] + names, cwd=d, env=e, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        dt = time.perf_counter() - t; cpu = cpu_of(d) - c0
        assert p.returncode == 0, p.stderr
        res[inst].append((dt, cpu / N * 1e6))
        ts = []
        for k in range(5):
            t = time.perf_counter(); subprocess.run(['lmake', '-j', '2'] + names, cwd=d, env=e, stdout=subprocess.DEVNULL); ts.append(time.perf_counter() - t)
        noop[inst].append(statistics.median(ts))
for inst in (A, B):
    print(f'{inst}: launch {N} jobs median wall {statistics.median(x[0] for x in res[inst]):.3f}s, server CPU {statistics.median(x[1] for x in res[inst]):.0f} us/job; no-op (server up) median {statistics.median(noop[inst])*1000:.1f} ms')
ma = statistics.median(x[0] for x in res[A]); mb = statistics.median(x[0] for x in res[B])
ca = statistics.median(x[1] for x in res[A]); cb = statistics.median(x[1] for x in res[B])
print(f'ratio this/against: launch wall {mb/ma:.3f}, server CPU/job {cb/ca:.3f}, no-op {statistics.median(noop[B])/statistics.median(noop[A]):.3f}')
