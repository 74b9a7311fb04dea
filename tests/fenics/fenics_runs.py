# Runs tests/fenics/poisson.py the way a FEniCS user would, with Debian's dijitso or with ours (the install's
# lib/ first on PYTHONPATH), on a given cache directory, with a compiler wrapper that counts compiler runs.
# Shared by the FEniCS test (test_fenics.py) and the benchmark (bench/dijitso/fenics.py).
import json
import os
import subprocess
import time

PYTHON = "/usr/bin/python3"  # Debian's: the one python3-dolfin is installed for
HERE = os.path.dirname(os.path.abspath(__file__))
DEMO = os.path.join(HERE, "poisson.py")


class Sandbox:
    """A work directory with its own HOME (no ~/.dijitso.conf applies) and a counting compiler wrapper."""

    def __init__(self, root):
        self.root = root
        os.makedirs(os.path.join(root, "home"), exist_ok=True)
        self.count_file = os.path.join(root, "compiles.log")
        self.cxx = os.path.join(root, "cxx-counting.sh")
        with open(self.cxx, "w") as f:
            f.write("#!/bin/sh\necho \"$$\" >> '%s'\nexec c++ \"$@\"\n" % self.count_file)
        os.chmod(self.cxx, 0o755)

    def compiles(self):
        if not os.path.exists(self.count_file):
            return 0
        with open(self.count_file) as f:
            return len(f.read().split())


class Run:
    def __init__(self, result, compiles, seconds, libraries, output):
        self.result, self.compiles, self.seconds, self.libraries, self.output = result, compiles, seconds, libraries, output


def run_demo(sandbox, cache_dir, install=None, ranks=1, script=DEMO):
    """One run of the demo (or of another script of this folder); install=None uses Debian's dijitso, else the
    dijitso of that install tree."""
    env = dict(os.environ)
    for name in ("PYTHONPATH", "DIJITSO_CONF", "VIRTUAL_ENV", "CONDA_PREFIX"):
        env.pop(name, None)
    env.update({"HOME": os.path.join(sandbox.root, "home"), "DIJITSO_CACHE_DIR": cache_dir, "CXX": sandbox.cxx,
                "OMP_NUM_THREADS": "1"})
    if install:
        env["PYTHONPATH"] = os.path.join(install, "lib")
    command = [PYTHON, script]
    if ranks > 1:
        env.update({"OMPI_ALLOW_RUN_AS_ROOT": "1", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM": "1"})
        command = ["/usr/bin/mpirun.openmpi", "--oversubscribe", "-n", str(ranks)] + command
    before = sandbox.compiles()
    start = time.perf_counter()
    proc = subprocess.run(command, env=env, cwd=sandbox.root, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    seconds = time.perf_counter() - start
    output = proc.stdout.decode("utf-8", "replace")
    lines = [line for line in output.splitlines() if line.startswith("{")]
    result = json.loads(lines[-1]) if proc.returncode == 0 and lines else None
    lib_dir = os.path.join(cache_dir, "lib")
    libraries = sorted(n for n in os.listdir(lib_dir) if not n.startswith(".")) if os.path.isdir(lib_dir) else []
    return Run(result, sandbox.compiles() - before, seconds, libraries, output)
