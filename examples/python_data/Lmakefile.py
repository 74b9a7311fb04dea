# A Python data step: each raw CSV under data/ is cleaned by a job of its own (rows that do not parse are
# dropped, and counted on stderr), then one job summarises the cleaned tables into report.txt.
# The job functions run in Python; what they read (the CSVs, clean.py's helpers) are their deps.
import lmake
from lmake.rules import PyRule

STATIONS = ('north', 'south')

lmake.manifest = ('Lmakefile.py', 'clean.py', *(f'data/{s}.csv' for s in STATIONS))

class Clean(PyRule):
    target = r'clean/{Station:[^/]*}.csv'                   # the job's stdout
    deps   = {'RAW': 'data/{Station}.csv'}
    stderr_ok = True                                        # else a job that writes to stderr has failed
    def cmd():
        import sys
        from clean import clean_rows                        # a module of the repo: a dep like any file
        kept, dropped = clean_rows(open(RAW))
        print('day,temp')
        for day, temp in kept: print(f'{day},{temp}')
        if dropped: print(f'{RAW}: {dropped} bad rows dropped', file=sys.stderr)

class Report(PyRule):
    target = 'report.txt'
    deps   = {s: f'clean/{s}.csv' for s in STATIONS}
    def cmd():
        for station in STATIONS:
            temps = [float(l.split(',')[1]) for l in open(f'clean/{station}.csv').read().splitlines()[1:]]
            print(f'{station}: {len(temps)} days, mean {sum(temps) / len(temps):.1f}, max {max(temps):.1f}')
