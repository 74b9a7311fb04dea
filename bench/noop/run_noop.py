#!/usr/bin/env python3
"""The no-op build, three ways, in one run: ninja's, lmake's with its server running (warm), and lmake's when
no server runs (cold: the client starts one, which exits when done). Optionally the same lmake figures for a
second install (--against DIR, e.g. an older build), so that a change is measured against what it replaces
on the same machine at the same moment.

Runs are interleaved (one of each in turn, then again), so that a load that comes and goes on a shared
machine weighs on every column alike; the table gives the median and the minimum wall time of each, and
the ratios of medians to ninja's. Usage:
  run_noop.py INSTALL_DIR WORK_DIR [N] [--runs R] [--against INSTALL_DIR] [--reuse]
--reuse keeps WORK_DIR's projects when they are there (a build of 10,000 files takes minutes).
"""
import argparse
import fcntl
import os
import shutil
import signal
import statistics
import subprocess
import sys
import time

parser = argparse.ArgumentParser()
parser.add_argument('install')
parser.add_argument('work')
parser.add_argument('n', nargs='?', type=int, default=1000)
parser.add_argument('--runs', type=int, default=20)
parser.add_argument('--against')
parser.add_argument('--reuse', action='store_true')
ARGS = parser.parse_args()
INSTALL, WORK = os.path.abspath(ARGS.install), os.path.abspath(ARGS.work)
GEN = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', '..', 'shared', 'bench', 'gen_c_project.py')
if not os.path.exists(GEN):
    GEN = '/work/shared/bench/gen_c_project.py'


def env_for(install, **extra):
    env = dict(os.environ, PATH=os.path.join(install, 'bin') + ':' + os.environ['PATH'], **extra)
    env.pop('LMAKE_ARGS', None)
    return env


def run(argv, cwd, env):
    """Wall seconds of one run, through posix_spawn (a Python subprocess would add its own cost)."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    here = os.getcwd()
    os.chdir(cwd)   # inherited by the child
    try:
        t = time.perf_counter()
        pid = os.posix_spawnp(argv[0], argv, env, file_actions=[(os.POSIX_SPAWN_DUP2, devnull, 1)])
        _, status = os.waitpid(pid, 0)
        dt = time.perf_counter() - t
    finally:
        os.chdir(here)
        os.close(devnull)
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f'{" ".join(argv)} failed in {cwd}')
    return dt


def stop_server(repo):
    """Asks the repo's server to exit (SIGTERM: it unpublishes itself), then waits until it has (it holds
    LMAKE/server.lock for its whole life)."""
    try:
        with open(os.path.join(repo, 'LMAKE', 'server')) as f:
            os.kill(int(f.read().split('\n')[1]), signal.SIGTERM)
    except (OSError, ValueError, IndexError):
        pass   # none runs
    lock = os.path.join(repo, 'LMAKE', 'server.lock')
    if os.path.exists(lock):
        with open(lock) as f:
            fcntl.flock(f, fcntl.LOCK_EX)
            fcntl.flock(f, fcntl.LOCK_UN)


def prepare():
    lmake_dir, ninja_dir = os.path.join(WORK, 'lmake'), os.path.join(WORK, 'ninja')
    if ARGS.reuse and os.path.exists(os.path.join(lmake_dir, 'prog')) and os.path.exists(os.path.join(ninja_dir, 'prog')):
        return lmake_dir, ninja_dir
    shutil.rmtree(WORK, ignore_errors=True)
    os.makedirs(WORK)
    subprocess.run([sys.executable, GEN, str(ARGS.n), WORK, '--tools', 'lmake,ninja'], check=True, stdout=subprocess.DEVNULL)
    subprocess.run(['ninja', '-j2', 'prog'], cwd=ninja_dir, check=True, stdout=subprocess.DEVNULL)
    subprocess.run(['lmake', '-j', '2', 'prog'], cwd=lmake_dir, env=env_for(INSTALL), check=True, stdout=subprocess.DEVNULL)
    return lmake_dir, ninja_dir


def main():
    lmake_dir, ninja_dir = prepare()
    installs = [('lmake', INSTALL)] + ([('against', os.path.abspath(ARGS.against))] if ARGS.against else [])
    lmake = lambda install: [os.path.join(install, 'bin', 'lmake'), 'prog']
    columns = {'ninja': []}
    for name, _ in installs:
        columns[f'{name} warm'] = []
        columns[f'{name} cold'] = []
    for _ in range(ARGS.runs):
        columns['ninja'].append(run(['ninja', '-j2', 'prog'], ninja_dir, os.environ))
        for name, install in installs:
            # warm: a server started for this round, staying between its runs
            stop_server(lmake_dir)
            run(lmake(install), lmake_dir, env_for(install, LMAKE_SERVER_IDLE_MS='60000'))
            columns[f'{name} warm'].append(run(lmake(install), lmake_dir, env_for(install)))
            # cold: no server; the client starts one, which exits once its client is gone
            stop_server(lmake_dir)
            columns[f'{name} cold'].append(run(lmake(install), lmake_dir, env_for(install, LMAKE_SERVER_IDLE_MS='0')))
    stop_server(lmake_dir)
    ninja = statistics.median(columns['ninja'])
    print(f'no-op of gen_c_project.py N={ARGS.n}, {ARGS.runs} interleaved runs, ms')
    print(f'{"":16} {"median":>8} {"min":>8} {"/ninja":>8}')
    for name, times in columns.items():
        med = statistics.median(times)
        print(f'{name:16} {1000 * med:8.1f} {1000 * min(times):8.1f} {med / ninja:8.2f}')


if __name__ == '__main__':
    main()
