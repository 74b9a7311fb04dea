#!/usr/bin/env python3
"""Sums the TRX results of every test project into the one line `make test` ends with:
`N passed, N failed` (`, N skipped` when some were skipped), each failure with its message. A project that left no result file
(it did not build, or its test host crashed) counts as one failure. Exit status 1 when anything failed."""
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

NS = '{http://microsoft.com/schemas/VisualStudio/TeamTest/2010}'


def print_failure(result, lines=12):
    """The first lines of a failed test's message and stack, indented: CI keeps only the end of make's output,
    and a failure that does not come again on a rerun must be readable from that end alone."""
    info = result.find(f'{NS}Output/{NS}ErrorInfo')
    if info is None:
        return
    for part in ('Message', 'StackTrace'):
        text = (info.findtext(f'{NS}{part}') or '').strip()
        for line in text.splitlines()[:lines]:
            print(f'    {line.rstrip()}')


def main(results_dir, projects):
    passed = failed = skipped = 0
    for project in projects:
        trx = Path(results_dir) / f'{project}.trx'
        if not trx.exists():
            print(f'{project}: no test results (the project did not build or its test host crashed)')
            failed += 1
            continue
        root = ET.parse(trx).getroot()
        counters = root.find(f'{NS}ResultSummary/{NS}Counters')
        p = int(counters.get('passed', 0))
        f = sum(int(counters.get(k, 0)) for k in ('failed', 'error', 'timeout', 'aborted'))
        s = int(counters.get('notExecuted', 0))
        for result in root.iter(f'{NS}UnitTestResult'):
            if result.get('outcome') == 'Failed':
                print(f'FAILED {project}: {result.get("testName")}')
                print_failure(result)
        print(f'{project}: {p} passed, {f} failed' + (f', {s} skipped' if s else ''))
        passed, failed, skipped = passed + p, failed + f, skipped + s
    print(f'{passed} passed, {failed} failed' + (f', {skipped} skipped' if skipped else ''))
    return 1 if failed or passed == 0 else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1], sys.argv[2:]))
