# Run by python at start-up when lmake's lib dir is in $PYTHONPATH (jobs have it by default): inside a job, a
# python started from a shell cmd gets the same import handling as a python cmd (lmake.import_machinery:
# imports of modules not made yet are deps, the dirs python lists to import are allowed to be listed). Then
# the next usercustomize module along sys.path runs, as if this one were not there.
import os
import sys

def _lmake_setup():
    if not os.environ.get('LMAKE_JOB_CHANNEL'): return
    try:
        from lmake.import_machinery import fix_import
        fix_import()
    except Exception:
        pass

def _next_usercustomize():
    import importlib.machinery
    import importlib.util
    here = os.path.dirname(os.path.abspath(__file__))
    later = [d for d in sys.path if isinstance(d, str) and os.path.abspath(d or '.') != here]
    spec = importlib.machinery.PathFinder.find_spec('usercustomize', later)
    if spec is None or spec.loader is None: return
    module = importlib.util.module_from_spec(spec)
    sys.modules['usercustomize'] = module
    spec.loader.exec_module(module)

_lmake_setup()
_next_usercustomize()
