#!/bin/bash
# The dijitso benchmark (make bench-dijitso): whole-process cache-hit latency of our `dijitso jit` against the
# Python original doing the same hit, measured by hyperfine in one run, and the cost of a miss beyond the
# compiler's own time (with the real compiler, and with a do-nothing compiler that isolates dijitso's work);
# then our Python package doing the same hit, and DOLFIN's Poisson demo on both packages (bench/dijitso/fenics.py).
set -euo pipefail
INSTALL=${1:?usage: run.sh INSTALL_DIR}
DIJITSO=$INSTALL/bin/dijitso
HERE=$(cd "$(dirname "$0")" && pwd)
WORK=$(mktemp -d /tmp/dijitso-bench.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"
export HOME=$WORK  # no ~/.dijitso.conf of the machine
unset DIJITSO_CACHE_DIR CXX
PY=/usr/bin/python3
RUNS=${DIJITSO_BENCH_RUNS:-200}

printf 'extern "C" int add(int a, int b) { return a + b; }\n' > k.cpp
cp "$HERE/python_hit.py" .
cc -O2 -o fake-cxx "$HERE/fake_cxx.c"

# Warm both caches (the measured runs are all hits).
"$DIJITSO" jit bench_add --source k.cpp --cache-dir ours >/dev/null
$PY python_hit.py theirs >/dev/null

echo "== cache hit, whole process ($RUNS runs each, one hyperfine run)"
hyperfine -N --warmup 10 --runs "$RUNS" --export-json hit.json \
  -n "dijitso jit (native)" "$DIJITSO jit bench_add --generate 'cat k.cpp' --cache-dir ours" \
  -n "python3 dijitso.jit" "$PY python_hit.py theirs" | sed -n '/Time (mean/p;/^Benchmark/p'

echo "== cache hit, whole process, python3 + dijitso.jit: Debian's package against ours (lib/dijitso)"
PYTHONPATH=$INSTALL/lib $PY python_hit.py ourpy >/dev/null
hyperfine -N --warmup 3 --runs "$(( RUNS < 50 ? RUNS : 50 ))" --export-json pyhit.json \
  -n "python3-dijitso" "$PY python_hit.py theirs" \
  -n "our dijitso package" "env PYTHONPATH=$INSTALL/lib $PY python_hit.py ourpy" | sed -n '/Time (mean/p;/^Benchmark/p'

echo "== miss: dijitso jit versus the compiler alone"
CMD=$(head -1 ours/log/bench_add.txt | sed "s#$WORK/ours/src/bench_add.cpp#$WORK/k.cpp#; s#-o [^ ]*\$#-o $WORK/direct.so#")
hyperfine -N --warmup 2 --runs 20 --export-json miss.json \
  --prepare "rm -rf $WORK/miss" \
  -n "dijitso jit (miss)" "$DIJITSO jit m --source k.cpp --cache-dir miss" \
  -n "compiler alone" "$CMD" | sed -n '/Time (mean/p;/^Benchmark/p'
hyperfine -N --warmup 5 --runs 100 --export-json fake.json \
  --prepare "rm -rf $WORK/fake" \
  -n "dijitso jit (miss, do-nothing compiler)" "$DIJITSO jit m --source k.cpp --cache-dir fake --cxx $WORK/fake-cxx" \
  -n "do-nothing compiler alone" "$WORK/fake-cxx -o $WORK/fake.so" | sed -n '/Time (mean/p;/^Benchmark/p'

$PY - <<'PY'
import json
# Wall time (mean, sd) and CPU time (user + system) of each command, in ms. On a shared, loaded machine the
# CPU time is the steadier figure; both are printed.
def figures(f):
    return [(x["mean"] * 1000, x["stddev"] * 1000, (x["user"] + x["system"]) * 1000) for x in json.load(open(f))["results"]]
(ours, sd1, cpu1), (theirs, sd2, cpu2) = figures("hit.json")
(miss, sdm, cpum), (cc, sdc, cpuc) = figures("miss.json")
(fmiss, sdf, cpuf), (fcc, sdfc, cpufc) = figures("fake.json")
print()
print(f"hit: dijitso {ours:.2f} ms (sd {sd1:.2f}, cpu {cpu1:.2f}), python dijitso {theirs:.1f} ms (sd {sd2:.1f}, cpu {cpu2:.1f}), "
      f"ratio {ours / theirs:.3f} (goal <= 0.1, and < 10 ms)")
print(f"miss: dijitso {miss:.1f} ms, compiler alone {cc:.1f} ms, overhead {miss - cc:.1f} ms wall (sd {sdm:.1f} / {sdc:.1f}), "
      f"{cpum - cpuc:.1f} ms cpu")
(pt, sdpt, cpupt), (po, sdpo, cpupo) = figures("pyhit.json")
print(f"python hit: python3-dijitso {pt:.1f} ms (cpu {cpupt:.1f}), our package {po:.1f} ms (cpu {cpupo:.1f}), ratio {po / pt:.2f}")
print(f"miss with a do-nothing compiler: dijitso {fmiss:.2f} ms, compiler alone {fcc:.2f} ms: dijitso's own cost "
      f"{fmiss - fcc:.2f} ms wall, {cpuf - cpufc:.2f} ms cpu (goal < 5 ms)")
PY

echo "== FEniCS: DOLFIN's Poisson demo, cold and warm, python3-dijitso against ours"
$PY "$HERE/fenics.py" "$INSTALL"
