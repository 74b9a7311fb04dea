#!/usr/bin/env python3
"""bench-scale (issue 18): lmake and ninja on one generated graph of N C files (gen_c_project.py) whose compiler
is a stand-in (fakecc: it reads the source and the headers it includes and writes an object, so the graph and
the deps are real and each job costs about a millisecond). One run, both tools:

  full build (-j2), no-op with the server running (warm) and without (cold), an edit of 1% of the sources;
  lmake's server: peak and steady RSS, bytes per node and per dep edge (counted by lmake_dump), the store's size.

Usage: run_scale.py INSTALL_DIR WORK_DIR [N=100000]
"""
import fcntl
import os
import shutil
import signal
import subprocess
import sys
import time

INSTALL, WORK = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
N = int(sys.argv[3]) if len(sys.argv) > 3 else 100000
HERE = os.path.dirname(os.path.abspath(__file__))
GEN = os.path.join(HERE, '..', '..', '..', 'shared', 'bench', 'gen_c_project.py')
FAKECC = os.path.join(WORK, 'fakecc')
# the server stays between the runs of one scenario (its memory is measured then); cold runs stop it first
ENV = dict(os.environ, PATH=os.path.join(INSTALL, 'bin') + ':' + os.environ['PATH'], LMAKE_SERVER_IDLE_MS='3600000')
ENV.pop('LMAKE_ARGS', None)
BUILD = {'lmake': ['lmake', '-j', '2', 'prog'], 'ninja': ['ninja', '-j2', 'prog']}


def run(tool, cwd, env=ENV):
    t = time.perf_counter()
    r = subprocess.run(BUILD[tool], cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    dt = time.perf_counter() - t
    if r.returncode != 0:
        sys.exit(f'{tool} failed in {cwd}:\n{r.stderr[-2000:]}')
    return dt


def server_pid(repo):
    try:
        with open(os.path.join(repo, 'LMAKE', 'server')) as f:
            return int(f.read().split('\n')[1])
    except (OSError, ValueError, IndexError):
        return None


def stop_server(repo):
    """SIGTERM to the repo's server, then wait until its lock is free (it holds it for its whole life)."""
    pid = server_pid(repo)
    if pid:
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
    lock = os.path.join(repo, 'LMAKE', 'server.lock')
    if os.path.exists(lock):
        with open(lock) as f:
            fcntl.flock(f, fcntl.LOCK_EX)
            fcntl.flock(f, fcntl.LOCK_UN)


def rss_kib(repo):
    """(peak, now) resident size of the repo's server, in KiB."""
    fields = {}
    with open(f'/proc/{server_pid(repo)}/status') as f:
        for line in f:
            k, _, v = line.partition(':')
            fields[k] = v.split()[0] if v.split() else '0'
    return int(fields['VmHWM']), int(fields['VmRSS'])


def graph_size(repo):
    """(nodes, dep edges) of lmake's store, as lmake_dump lists them."""
    out = subprocess.run([os.path.join(INSTALL, '_bin', 'lmake_dump')], cwd=repo, env=ENV, capture_output=True, text=True).stdout
    nodes = deps = 0
    for line in out.splitlines():
        if line.startswith('node '):
            nodes += 1
        elif line.startswith('  dep '):
            deps += 1
    return nodes, deps


def du(path):
    return sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(path) for f in fs)


def edit_one_percent(root):
    """A comment appended to every 100th source (the same files in both trees)."""
    k = 0
    for d, _, fs in sorted(os.walk(os.path.join(root, 'src'))):
        for f in sorted(fs):
            if f.endswith('.c') and f != 'main.c':
                if k % 100 == 0:
                    with open(os.path.join(d, f), 'a') as out:
                        out.write('// edited\n')
                k += 1


def main():
    shutil.rmtree(WORK, ignore_errors=True)
    os.makedirs(WORK)
    subprocess.run(['gcc', '-O2', '-o', FAKECC, os.path.join(HERE, 'fakecc.c')], check=True)
    subprocess.run([sys.executable, GEN, str(N), WORK, '--tools', 'lmake,ninja', '--cc', FAKECC], check=True,
                   stdout=subprocess.DEVNULL)
    lm, nj = os.path.join(WORK, 'lmake'), os.path.join(WORK, 'ninja')
    r = {}
    r['full build'] = (run('lmake', lm), run('ninja', nj))
    peak_build, _ = rss_kib(lm)
    r['no-op (server running)'] = (min(run('lmake', lm) for _ in range(3)), min(run('ninja', nj) for _ in range(3)))
    cold = []
    for _ in range(3):
        stop_server(lm)
        cold.append(run('lmake', lm))
    r['no-op (no server)'] = (min(cold), r['no-op (server running)'][1])
    edit_one_percent(lm)
    edit_one_percent(nj)
    r['edit 1% of sources'] = (run('lmake', lm), run('ninja', nj))
    run('lmake', lm)
    peak, steady = rss_kib(lm)
    nodes, deps = graph_size(lm)
    stop_server(lm)
    store = du(os.path.join(lm, 'LMAKE', 'store'))

    print(f'bench-scale: {N} C files (gen_c_project.py, fakecc), -j2, seconds')
    print(f'{"scenario":28} {"ninja":>9} {"lmake":>9} {"lmake/ninja":>12}')
    for name, (l, n) in r.items():
        print(f'{name:28} {n:9.3f} {l:9.3f} {l / n:12.2f}')
    # (the cold runs start a new server: its peak covers the no-ops and the edit, not the full build)
    print(f'lmake server RSS: peak during the full build {peak_build / 1024:.1f} MiB; a server started cold, after '
          f'the no-ops and the edit: peak {peak / 1024:.1f} MiB, steady {steady / 1024:.1f} MiB')
    print(f'graph: {nodes} nodes, {deps} dep edges; full-build peak RSS per node {peak_build * 1024 / max(nodes, 1):.0f} B, '
          f'per node+edge {peak_build * 1024 / max(nodes + deps, 1):.0f} B; steady per node {steady * 1024 / max(nodes, 1):.0f} B; '
          f'store on disk {store / 2**20:.1f} MiB ({store / max(nodes, 1):.0f} B per node)')


main()
