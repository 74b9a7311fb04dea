#!/bin/bash
# ci_noop_check.sh [TARGET...]: what a CI job runs to check that a build is reproducible as lmake sees it:
# the build succeeds, a second build right after it runs no job at all (a rule that always reruns, a job
# that writes one of its own deps, an input that changes at each run... would show here), and the build
# modified no file git tracks. Exit 0 when all holds, 1 otherwise with what went wrong. TARGETs default to all.
set -u
targets=("$@"); [ ${#targets[@]} -gt 0 ] || targets=(all)

echo "== build: lmake ${targets[*]}"
lmake "${targets[@]}" || { echo "ci: the build failed (exit $?)"; exit 1; }

echo "== again: must be a no-op"
out=$(lmake "${targets[@]}"); rc=$?
printf '%s\n' "$out"
[ $rc = 0 ] || { echo "ci: the second build failed (exit $rc)"; exit 1; }
# status lines start with the time (HH:MM:SS): any of them means something was looked at anew or run
ran=$(grep -E '^[0-9]{2}:[0-9]{2}:[0-9]{2} ' <<<"$out")
if [ -n "$ran" ]; then
    echo "ci: the second build was not a no-op:"
    printf '%s\n' "$ran"
    exit 1
fi

if ! git diff --quiet; then
    echo "ci: the build modified tracked files:"
    git diff --stat
    exit 1
fi
echo "ci: no-op check passed"
