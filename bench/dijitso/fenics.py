# The FEniCS figure of make bench-dijitso: DOLFIN's Poisson demo (tests/fenics/poisson.py), whole process, with
# Debian's dijitso and with ours, cold (a fresh cache: 8 libraries compiled) and warm (all cached), the runs
# of both interleaved in one session so that both see the same machine load. Prints min and median per case.
import os
import shutil
import statistics
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "fenics"))
from fenics_runs import Sandbox, run_demo  # noqa: E402

install = os.path.abspath(sys.argv[1])
cold_runs = int(os.environ.get("DIJITSO_BENCH_FENICS_COLD", "2"))
warm_runs = int(os.environ.get("DIJITSO_BENCH_FENICS_WARM", "5"))
root = tempfile.mkdtemp(prefix="dijitso-bench-fenics-")
sandbox = Sandbox(root)
variants = {"python3-dijitso": None, "ours": install}
times = {(v, kind): [] for v in variants for kind in ("cold", "warm")}
try:
    for i in range(cold_runs):
        for name, tree in variants.items():
            cache = os.path.join(root, "%s-%d" % (name, i))
            run = run_demo(sandbox, cache, tree)
            if run.result is None:
                sys.exit("the demo failed with %s:\n%s" % (name, run.output))
            times[(name, "cold")].append(run.seconds)
    for i in range(warm_runs):
        for name, tree in variants.items():
            run = run_demo(sandbox, os.path.join(root, "%s-0" % name), tree)
            if run.result is None or run.compiles:
                sys.exit("the warm demo failed or compiled with %s:\n%s" % (name, run.output))
            times[(name, "warm")].append(run.seconds)
finally:
    shutil.rmtree(root, ignore_errors=True)
print("Poisson demo (P2, 32x32, 8 JIT libraries), whole process, seconds:")
for kind in ("cold", "warm"):
    row = []
    for name in variants:
        t = times[(name, kind)]
        row.append("%s min %.2f median %.2f (%d runs)" % (name, min(t), statistics.median(t), len(t)))
    ratio = statistics.median(times[("ours", kind)]) / statistics.median(times[("python3-dijitso", kind)])
    print("  %s: %s; ours/theirs %.2f" % (kind, "; ".join(row), ratio))
