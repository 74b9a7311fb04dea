# The package an Lmakefile.py imports (installed as lib/lmake): repo-wide settings (config, manifest) and,
# inside jobs, the Python face of the in-job commands (depend, target, check_deps, encode, decode...).
import os as _os
import sys as _sys

from ._pdict import pdict
from ._config import Config as _Config
from ._errors import LmakefileError
from ._job_api import (Autodep, JobCommandError, check_deps, decode, depend, encode, get_autodep, list_deps, list_targets,
                       set_autodep, target, xxhsum_file)

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
user_environ = dict(_os.environ)        # the environment of the user who typed lmake (replaced by the reader)

config      = _Config()                 # repo-wide settings, exactly open-lmake's keys (see _config.py)
manifest    = None                      # a tuple of source names; None: Manifest file, else git
extra_manifest = ()                     # names added to whatever manifest is chosen

def config_dict():
    'the configuration as a plain dict (defaults merged under what the Lmakefile set)'
    return config.as_plain_dict()

def multi_strip(text):
    'strip the common indentation of every line of text, and leading/trailing empty lines'
    import textwrap
    return textwrap.dedent(text).strip('\n') + '\n'

__all__ = ['config', 'manifest', 'extra_manifest', 'version', 'repo_root', 'top_repo_root', 'user_environ',
           'config_dict', 'pdict', 'LmakefileError', 'depend', 'target', 'check_deps', 'encode', 'decode',
           'xxhsum_file', 'Autodep', 'get_autodep', 'set_autodep', 'multi_strip', 'JobCommandError', 'list_deps',
           'list_targets']
