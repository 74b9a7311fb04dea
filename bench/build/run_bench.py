#!/usr/bin/env python3
"""lmake against make and ninja on the same generated C project, in one run (issue 3's benchmark).

Scenarios: full build (-j2), no-op, `touch` of a header used by 10% of the files, a comment added to that
header, an edit of one .c; then a launch-rate run of trivial jobs. Prints a table of seconds and the
ratio lmake/ninja. Usage: run_bench.py INSTALL_DIR WORK_DIR [N] [TRIVIAL_JOBS]
"""
import os
import shutil
import subprocess
import sys
import time

INSTALL, WORK = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
N = int(sys.argv[3]) if len(sys.argv) > 3 else 1000
TRIVIAL = int(sys.argv[4]) if len(sys.argv) > 4 else 2000
GEN = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', '..', 'shared', 'bench', 'gen_c_project.py')
ENV = dict(os.environ, PATH=os.path.join(INSTALL, 'bin') + ':' + os.environ['PATH'])
ENV.pop('LMAKE_ARGS', None)

BUILD = {
    'lmake': ['lmake', '-j', '2', 'prog'],
    'make': ['make', '-j2', '-s', 'prog'],
    'ninja': ['ninja', '-j2', 'prog'],
}


def run(tool, cwd):
    t = time.perf_counter()
    r = subprocess.run(BUILD[tool], cwd=cwd, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    dt = time.perf_counter() - t
    if r.returncode != 0:
        sys.exit(f'{tool} failed in {cwd}:\n{r.stderr}')
    return dt


def best_of(k, tool, cwd, before=None):
    times = []
    for _ in range(k):
        if before:
            before()
        times.append(run(tool, cwd))
    return min(times)


def main():
    shutil.rmtree(WORK, ignore_errors=True)
    os.makedirs(WORK)
    gen = os.path.abspath(GEN) if os.path.exists(GEN) else '/work/shared/bench/gen_c_project.py'
    subprocess.run([sys.executable, gen, str(N), WORK, '--tools', 'lmake,make,ninja'], check=True, stdout=subprocess.DEVNULL)
    results = {}
    for tool in ('ninja', 'make', 'lmake'):
        cwd = os.path.join(WORK, tool)
        header = os.path.join(cwd, 'include', 'hdr_09.h')
        one_c = os.path.join(cwd, 'src', 'g000', 'f00000.c')
        r = results[tool] = {}
        r['full build'] = run(tool, cwd)
        r['no-op'] = best_of(5, tool, cwd)
        r['touch header (10%)'] = best_of(2, tool, cwd, lambda: os.utime(header))
        counter = [0]

        def comment():
            counter[0] += 1
            with open(header, 'a') as f:
                f.write(f'// comment {counter[0]}\n')
        r['comment in header (10%)'] = best_of(2, tool, cwd, comment)

        def edit():
            counter[0] += 1
            with open(one_c, 'a') as f:
                f.write(f'int extra_{counter[0]}(void) {{ return {counter[0]}; }}\n')
        r['edit one .c'] = best_of(2, tool, cwd, edit)
    print(f'C project of {N} files (gen_c_project.py), -j2, seconds (best of runs)')
    print(f'{"scenario":28} {"ninja":>9} {"make":>9} {"lmake":>9} {"lmake/ninja":>12}')
    for scenario in results['ninja']:
        n, m, l = (results[t][scenario] for t in ('ninja', 'make', 'lmake'))
        print(f'{scenario:28} {n:9.3f} {m:9.3f} {l:9.3f} {l / n:12.2f}')
    launch_rate()


def server_cpu_seconds(repo):
    """utime+stime of the lmakeserver serving `repo` (0 when none runs)."""
    for pid in filter(str.isdigit, os.listdir('/proc')):
        try:
            with open(f'/proc/{pid}/cmdline', 'rb') as f:
                argv = f.read().split(b'\0')
            if not argv[0].endswith(b'lmakeserver') or repo.encode() not in argv:
                continue
            with open(f'/proc/{pid}/stat') as f:
                fields = f.read().rsplit(')', 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / os.sysconf('SC_CLK_TCK')
        except OSError:
            continue
    return 0.0


def launch_rate():
    """TRIVIAL jobs `echo N > out_N` under bash, -j2: lmake (server already up, Lmakefile read) and ninja running
    the same command line through bash, in the same run."""
    d = os.path.join(WORK, 'trivial')
    os.makedirs(d)
    with open(os.path.join(d, 'Lmakefile.py'), 'w') as f:
        f.write(f"""import lmake
from lmake.rules import Rule, AliasRule
lmake.manifest = ('Lmakefile.py',)
class Echo(Rule):
    targets = {{'OUT': r'out_{{N:\\d+}}'}}
    cmd = 'echo {{N}} > {{OUT}}'
""")
    names = [f'out_{i}' for i in range(TRIVIAL)]
    subprocess.run(['lmake', 'warm_up_no_such_file'], cwd=d, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    cpu = server_cpu_seconds(d)
    t = time.perf_counter()
    r = subprocess.run(['lmake', '-j', '2'] + names, cwd=d, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    dt = time.perf_counter() - t
    cpu = server_cpu_seconds(d) - cpu
    if r.returncode != 0:
        sys.exit(f'lmake failed on trivial jobs:\n{r.stderr}')
    n = os.path.join(WORK, 'trivial_ninja')
    os.makedirs(n)
    with open(os.path.join(n, 'build.ninja'), 'w') as f:
        f.write('rule echo\n  command = /bin/bash -c "echo $n > $out"\n')
        for i in range(TRIVIAL):
            f.write(f'build out_{i}: echo\n  n = {i}\n')
    t = time.perf_counter()
    subprocess.run(['ninja', '-j2'], cwd=n, check=True, stdout=subprocess.DEVNULL)
    nt = time.perf_counter() - t
    print(f'launch rate: {TRIVIAL} trivial jobs (-j2): lmake {dt:.3f}s = {TRIVIAL / dt:.0f} jobs/s '
          f'(server CPU {cpu / TRIVIAL * 1e6:.0f} us/job), ninja {nt:.3f}s = {TRIVIAL / nt:.0f} jobs/s, lmake/ninja {dt / nt:.2f}')


if __name__ == '__main__':
    main()
