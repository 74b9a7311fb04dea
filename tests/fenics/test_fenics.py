# make test-fenics: DOLFIN's Poisson demo (tests/fenics/poisson.py) on Debian's dijitso and on ours, each on a
# fresh cache: the same solution norm, the same libraries (8), no compile on a warm run, and the same under
# `mpirun -n 2`; and DOLFIN's compile_cpp_code (a pybind11 module, loaded by import) built once, then loaded.
# Prints one line per check and `N passed, N failed`; exit status 1 if any failed.
import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fenics_runs import HERE, Sandbox, run_demo  # noqa: E402

install = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else None
if not install or not os.path.isfile(os.path.join(install, "lib", "dijitso", "__init__.py")):
    sys.exit("usage: test_fenics.py INSTALL_DIR (an install tree with lib/dijitso: run `make` first)")
if not os.path.isdir("/usr/lib/python3/dist-packages/dijitso") or not os.path.exists("/usr/lib/python3/dist-packages/dolfin.pth"):
    sys.exit("test-fenics: python3-dolfin is not installed (`make test-fenics` installs it with apt-get)")

root = tempfile.mkdtemp(prefix="dijitso-fenics-")
sandbox = Sandbox(root)
passed, failed = 0, 0


def check(name, ok, detail=""):
    global passed, failed
    print("%s %s%s" % ("PASS" if ok else "FAIL", name, "" if ok else "\n" + detail), flush=True)
    passed, failed = passed + bool(ok), failed + (not ok)


def close(a, b, relative):
    return a is not None and b is not None and abs(a - b) <= relative * max(abs(a), abs(b))


def norm(run):
    return run.result["norm"] if run.result else None


try:
    theirs = run_demo(sandbox, os.path.join(root, "theirs"))
    check("the demo runs on Debian's dijitso", theirs.result is not None and "/usr/lib/python3" in theirs.result["dijitso"], theirs.output)
    cold = run_demo(sandbox, os.path.join(root, "ours"), install)
    check("the demo runs on our dijitso (cold cache)",
          cold.result is not None and cold.result["dijitso"] == os.path.join(install, "lib", "dijitso", "__init__.py"), cold.output)
    check("the same solution norm (%r, %r)" % (norm(theirs), norm(cold)), close(norm(theirs), norm(cold), 1e-12), cold.output)
    check("the same libraries (%d, %d)" % (len(theirs.libraries), len(cold.libraries)),
          theirs.libraries == cold.libraries and len(cold.libraries) == 8,
          "theirs: %s\nours: %s" % (theirs.libraries, cold.libraries))
    check("one compile per library on the cold run (%d)" % cold.compiles, cold.compiles == len(cold.libraries))
    warm = run_demo(sandbox, os.path.join(root, "ours"), install)
    check("no compile on the warm run (%d), same norm" % warm.compiles, warm.compiles == 0 and close(norm(warm), norm(cold), 1e-12), warm.output)
    mpi_cold = run_demo(sandbox, os.path.join(root, "ours-mpi"), install, ranks=2)
    check("mpirun -n 2 on a cold cache: same norm, 8 libraries, %d compiles" % mpi_cold.compiles,
          mpi_cold.result is not None and mpi_cold.result["size"] == 2 and close(norm(mpi_cold), norm(theirs), 1e-8)
          and mpi_cold.libraries == theirs.libraries and mpi_cold.compiles == 8, mpi_cold.output)
    mpi_warm = run_demo(sandbox, os.path.join(root, "ours-mpi"), install, ranks=2)
    check("mpirun -n 2 on a warm cache: no compile (%d)" % mpi_warm.compiles,
          mpi_warm.result is not None and mpi_warm.compiles == 0 and close(norm(mpi_warm), norm(theirs), 1e-8), mpi_warm.output)
    pybind_script = os.path.join(HERE, "pybind_module.py")
    pb_cold = run_demo(sandbox, os.path.join(root, "ours-pybind"), install, script=pybind_script)
    pb_warm = run_demo(sandbox, os.path.join(root, "ours-pybind"), install, script=pybind_script)
    check("compile_cpp_code (a pybind11 module, imported): built once (%d), then loaded (%d)" % (pb_cold.compiles, pb_warm.compiles),
          pb_cold.result is not None and pb_cold.result["sum"] == 5 and pb_cold.compiles == 1
          and pb_warm.result is not None and pb_warm.result["sum"] == 5 and pb_warm.compiles == 0
          and len(pb_cold.libraries) == 1 and pb_cold.libraries[0].startswith("dolfin_cpp_module_"),
          pb_cold.output + pb_warm.output)
finally:
    shutil.rmtree(root, ignore_errors=True)
print("%d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
