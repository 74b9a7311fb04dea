# lmake.import_machinery: makes `import foo` of a module that does not exist yet a dep on its would-be file, so
# that a job importing a generated module has it built then reruns. Python's own finder lists each dir of
# sys.path once and only looks at the files it saw there, so a missing module is otherwise never asked for.
import importlib.machinery
import os
import sys

def _standard_suffixes():
    'compiled modules before sources (python tries them in that order), packages before plain modules'
    ext = [s for s in importlib.machinery.all_suffixes() if s not in importlib.machinery.BYTECODE_SUFFIXES]
    ordered = [s for s in ext if s.endswith('.so')] + [s for s in ext if not s.endswith('.so')]
    return tuple('/__init__' + s for s in ordered) + tuple(ordered)

module_suffixes = _standard_suffixes()

def _repo_root():
    return os.environ.get('REPO_ROOT') or os.getcwd()

def _is_local(d):
    'a dir of sys.path inside the repo (where modules may be generated)'
    root = _repo_root()
    full = os.path.abspath(d or '.')
    return full == root or full.startswith(root + '/')

class _MissingModuleDeps:
    'last on sys.meta_path: python found nothing; look at every file the module could be in, in local dirs'
    @classmethod
    def find_spec(cls, name, path=None, target=None):
        leaf = name.rpartition('.')[2]
        for d in (sys.path if path is None else path):
            if not isinstance(d, str) or not _is_local(d): continue
            base = os.path.join(d or '.', leaf)
            for s in module_suffixes:
                try: os.stat(base + s)          # the access is the dep: the file is made, the job reruns
                except OSError: pass
        return None

    @classmethod
    def invalidate_caches(cls): pass

_listed_ok = set()   # local dirs already declared listable

def _allow_listing(finder_class):
    '''python lists each dir it imports from (FileFinder caches the names it holds): in a job, a local dir is
    declared listable first (readdir_ok), as a dir of sys.path must be for imports to work at all'''
    fill = finder_class._fill_cache
    if getattr(fill, '_lmake_allows_listing', False): return
    def _fill_cache(self):
        d = self.path or '.'
        if d not in _listed_ok and _is_local(d):
            _listed_ok.add(d)
            try:
                from lmake._job_api import depend
                depend(d, readdir_ok=True, required=False)
            except Exception: pass   # outside a job, or its runner is gone: the listing is all that is left to do
        return fill(self)
    _fill_cache._lmake_allows_listing = True
    finder_class._fill_cache = _fill_cache
    # the dirs python listed before this (to import lmake itself, say) are declared too
    listed = [f.path or '.' for f in list(sys.path_importer_cache.values())
              if isinstance(f, finder_class) and getattr(f, '_path_mtime', -1) != -1]
    listed = [d for d in listed if d not in _listed_ok and _is_local(d)]
    if listed:
        _listed_ok.update(listed)
        try:
            from lmake._job_api import depend
            depend(*listed, readdir_ok=True, required=False)
        except Exception: pass

def fix_import():
    '''after this, importing a module that does not exist (yet) depends on the files it could be in; the local
    dirs python lists to import are allowed to be listed (readdir_ok); system dirs go before local ones in
    sys.path, so that importing os does not look in the repo first'''
    if _MissingModuleDeps not in sys.meta_path: sys.meta_path.append(_MissingModuleDeps)
    if os.environ.get('LMAKE_JOB_CHANNEL'): _allow_listing(importlib.machinery.FileFinder)
    local = [d for d in sys.path if isinstance(d, str) and _is_local(d)]
    sys.path[:] = [d for d in sys.path if d not in local] + local

__all__ = ['fix_import', 'module_suffixes']
