# The package an Lmakefile.py imports (installed as lib/lmake): repo-wide settings (config, manifest) and,
# inside jobs, the Python face of the in-job commands (depend, target, check_deps, encode, decode...).
import os as _os
import sys as _sys

from ._pdict import pdict
from ._config import Config as _Config
from ._errors import LmakefileError
from ._job_api import (Autodep, JobCommandError, check_deps, cp_target_tree, decode, depend, encode, get_autodep, list_deps,
                       list_root, list_targets, mv_target_tree, rm_target_tree, set_autodep, target, xxhsum_file)

autodeps = ('ld_preload', 'ptrace')      # the autodep methods lmake-cs implements
backends = ('local', 'slurm')          # the backends lmake-cs implements
version = (25, 7)                       # the open-lmake interface level this package follows
_lmake_version = '0.1.0'                # lmake-cs itself

def _find_repo_root():
    d = _os.getcwd()
    while True:
        if _os.path.exists(_os.path.join(d, 'Lmakefile.py')) or _os.path.isdir(_os.path.join(d, 'Lmakefile')): return d
        parent = _os.path.dirname(d)
        if parent == d: return _os.getcwd()
        d = parent

repo_root    = _os.environ.get('REPO_ROOT') or _find_repo_root()
top_repo_root = repo_root
user_environ = pdict(_os.environ)       # the environment of the user who typed lmake (replaced by the reader)

config      = _Config()                 # repo-wide settings, exactly open-lmake's keys (see _config.py)
manifest    = None                      # a tuple of source names; None: Manifest file, else git
extra_manifest = ()                     # names added to whatever manifest is chosen

def config_dict(module=None):
    '''With a module name (in a job): the view of the tree ConfigRule made of module.py, e.g.
    config_dict('config').a.b() is config['a']['b']. Without: lmake.config as a plain dict, defaults merged.'''
    if module is None: return config.as_plain_dict()
    from .config_tree import ConfigNode, tree_dir
    return ConfigNode(tree_dir(module))

def multi_strip(text):
    'strip the common indentation of every line of text, and leading/trailing empty lines'
    import textwrap
    return textwrap.dedent(text).strip('\n') + '\n'

def check_version(major, minor=0):
    'open-lmake asks this right after import lmake; lmake-cs follows one interface and adapts nothing: accepted'
    return None

__all__ = ['autodeps', 'backends', 'check_version', 'config', 'manifest', 'extra_manifest', 'version', 'repo_root',
           'top_repo_root', 'user_environ',
           'config_dict', 'pdict', 'LmakefileError', 'depend', 'target', 'check_deps', 'encode', 'decode',
           'xxhsum_file', 'Autodep', 'get_autodep', 'set_autodep', 'multi_strip', 'JobCommandError', 'list_deps',
           'list_targets', 'list_root', 'cp_target_tree', 'mv_target_tree', 'rm_target_tree']
