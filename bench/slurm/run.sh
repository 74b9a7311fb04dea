#!/bin/bash
# The Slurm benchmark (make bench-slurm): the wall time of N trivial jobs run by lmake's Slurm backend against the
# same jobs run by `sbatch --wait`, in the same run, on a loopback cluster (tests/slurm/start-local-slurm.sh):
#  - a chain of N jobs (each needs the one before): lmake vs N `sbatch --wait` one after the other;
#  - N independent jobs: lmake vs N `sbatch --wait` at once.
# The difference divided by N is lmake's overhead per job (Slurm's own scheduling is in both).
set -euo pipefail
INSTALL=${1:?usage: run.sh INSTALL_DIR}
N=${SLURM_BENCH_JOBS:-10}
HERE=$(cd "$(dirname "$0")" && pwd)
SCRIPTS=$HERE/../../tests/slurm
STATE=$(mktemp -d /tmp/lmake-slurm-bench.XXXXXX)
WORK=$(mktemp -d /tmp/lmake-slurm-bench-repo.XXXXXX)
cleanup() {
  (cd "$WORK" 2>/dev/null && [ -f LMAKE/server ] && kill "$(sed -n 2p LMAKE/server)" 2>/dev/null) || true
  bash "$SCRIPTS/stop-local-slurm.sh" "$STATE" >/dev/null 2>&1 || true
  rm -rf "$STATE" "$WORK"
}
trap cleanup EXIT
SLURM_LOCAL_CPUS=${SLURM_LOCAL_CPUS:-16} SLURM_LOCAL_CTLD_PORT=${SLURM_LOCAL_CTLD_PORT:-6837} SLURM_LOCAL_SLURMD_PORT=${SLURM_LOCAL_SLURMD_PORT:-6838} \
  bash "$SCRIPTS/start-local-slurm.sh" "$STATE" >/dev/null
export SLURM_CONF=$STATE/slurm.conf
PATH=$INSTALL/bin:$PATH

now() { date +%s.%N; }
secs() { python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.2f}')" "$1" "$2"; }

cd "$WORK"
git init -q
{
  echo "import lmake"
  echo "from lmake.rules import Rule"
  echo "lmake.config.backends.slurm = {'config': '$SLURM_CONF', 'n_max_queued_jobs': 100}"
  echo "lmake.manifest = ('Lmakefile.py', 'seed')"
  # the chain: static deps, so that each job runs once (a dep found while running would rerun it)
  echo "class Step1(Rule): target = 'chain1'; dep = 'seed'; backend = 'slurm'; cmd = 'cat; echo 1'"
  for i in $(seq 2 "$N"); do
    echo "class Step$i(Rule): target = 'chain$i'; dep = 'chain$((i-1))'; backend = 'slurm'; cmd = 'cat; echo $i'"
  done
  echo "class Leaf(Rule): target = r'leaf{N:\\d+}'; backend = 'slurm'; cmd = 'echo {N}'"
} > Lmakefile.py
echo seed > seed
lmake seed >/dev/null   # the server up and the Lmakefile read before timing

echo "== a chain of $N trivial jobs (each waits for the one before)"
t0=$(now); for i in $(seq 1 "$N"); do sbatch --wait --quiet --output=/dev/null --wrap "echo $i" >/dev/null; done; t1=$(now)
ref=$(secs "$t0" "$t1")
# srun is told of its job's end at once (sbatch --wait polls): Slurm's own cost of a job, scheduling included
t0=$(now); for i in $(seq 1 "$N"); do srun --quiet true; done; t1=$(now)
floor=$(secs "$t0" "$t1")
t0=$(now); lmake "chain$N" >/dev/null; t1=$(now)
ours=$(secs "$t0" "$t1")
echo "sbatch --wait x$N in sequence : ${ref}s"
echo "srun x$N in sequence          : ${floor}s"
echo "lmake chain$N                 : ${ours}s"
python3 -c "import sys; r,o,n=map(float,sys.argv[1:]); print(f'overhead per job : {(o-r)/n*1000:+.0f} ms ({o/r:.2f} x sbatch --wait)')" "$ref" "$ours" "$N"
python3 -c "import sys; r,o,n=map(float,sys.argv[1:]); print(f'against srun     : {(o-r)/n*1000:+.0f} ms per job ({o/r:.2f} x srun)')" "$floor" "$ours" "$N"

echo "== $N independent trivial jobs"
t0=$(now); for i in $(seq 1 "$N"); do sbatch --wait --quiet --output=/dev/null --wrap "echo $i" >/dev/null & done; wait; t1=$(now)
ref=$(secs "$t0" "$t1")
t0=$(now); lmake $(for i in $(seq 1 "$N"); do echo "leaf$i"; done) >/dev/null; t1=$(now)
ours=$(secs "$t0" "$t1")
echo "sbatch --wait x$N at once     : ${ref}s"
echo "lmake leaf1..leaf$N            : ${ours}s"
python3 -c "import sys; r,o,n=map(float,sys.argv[1:]); print(f'overhead per job : {(o-r)/n*1000:+.0f} ms ({o/r:.2f} x sbatch --wait)')" "$ref" "$ours" "$N"
