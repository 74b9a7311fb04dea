# Runs our native `dijitso` command: found beside this package in the install tree (<prefix>/lib/dijitso ->
# <prefix>/bin/dijitso), or named by $DIJITSO_COMMAND, or on PATH. The command runs with DIJITSO_MPI=off: the
# calling process may be an MPI rank, and MPI cannot be started twice in one job; the cache lock is enough.
import os

_command = None


def command():
    """The path of the native dijitso executable; RuntimeError saying where it was looked for if absent."""
    global _command
    if _command is None:
        here = os.path.dirname(os.path.abspath(__file__))
        beside = os.path.join(os.path.dirname(os.path.dirname(here)), "bin", "dijitso")
        import shutil
        candidates = [os.environ.get("DIJITSO_COMMAND"), beside, shutil.which("dijitso")]
        found = next((c for c in candidates if c and os.access(c, os.X_OK) and os.path.isfile(c)), None)
        if found is None:
            raise RuntimeError("dijitso: the native dijitso command is missing (looked at $DIJITSO_COMMAND, %s and PATH); "
                               "this package needs the lmake-cs install tree it came with" % beside)
        _command = found
    return _command


class NativeResult:
    """What one `dijitso jit --json` run said: exit code, status (hit, built, waited, failed), path, message."""

    def __init__(self, exit_code, status, path, message):
        self.exit_code = exit_code
        self.status = status
        self.path = path
        self.message = message


def run_jit(args, source_bytes):
    """Run `dijitso jit ARGS --json` with the source on stdin."""
    import json
    import subprocess
    env = dict(os.environ)
    env["DIJITSO_MPI"] = "off"
    proc = subprocess.run([command(), "jit"] + list(args) + ["--json"], input=source_bytes,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    stderr = proc.stderr.decode("utf-8", "replace").strip()
    lines = [line for line in proc.stdout.decode("utf-8", "replace").splitlines() if line.startswith("{")]
    if lines:
        outcome = json.loads(lines[-1])
        return NativeResult(proc.returncode, outcome.get("status"), outcome.get("path"), outcome.get("message") or stderr)
    return NativeResult(proc.returncode, "failed", None, stderr or "dijitso exited with %d" % proc.returncode)
