# lmake.config: the repo-wide settings, with exactly the keys open-lmake knows. Setting another key is a
# Lmakefile error reported at the line that set it.
import re
import os

from ._pdict import pdict
from ._errors import LmakefileError, user_frame

def _local_mem_mb():
    try:
        with open('/proc/meminfo') as f:
            for line in f:
                if line.startswith('MemTotal:'): return int(line.split()[1]) // 1024
    except OSError: pass
    return 0

def defaults():
    'the value of every key when Lmakefile.py does not set it'
    return {
        'backends'            : {'local': {'cpu': os.cpu_count() or 1, 'mem': _local_mem_mb(), 'tmp': 0}},
        'caches'              : {},
        'codecs'              : {},
        'collect'             : {'stems': {}, 'ignore': {}},
        'colors'              : {},
        'console'             : {'date_precision': 0, 'host_len': None, 'history_days': 7, 'has_exec_time': True,
                                 'show_eta': False, 'show_ete': True},
        'debug'               : {},
        'trace'               : {'size': 100 << 20, 'n_jobs': 1000, 'channels': []},
        'disk_date_precision' : 0.010,
        'file_sync'           : 'dir',
        'heartbeat'           : 10,
        'heartbeat_tick'      : 0.1,
        'link_support'        : 'full',
        'local_admin_dir'     : None,
        'max_dep_depth'       : 100,
        'max_error_lines'     : 30,
        'network_delay'       : 1,
        'nice'                : 0,
        'path_max'            : 200,
        'sub_repos'           : (),
        'req_start_proc'      : None,
        'req_end_proc'        : None,
        'server_start_proc'   : None,
        'server_end_proc'     : None,
        'system_tag_proc'     : None,
    }

KNOWN_KEYS = frozenset(defaults())

# Keys whose effect lmake-cs does not build yet: accepted, and noted once on stderr when set.
NOT_YET_EFFECTIVE = frozenset(('collect', 'colors', 'debug', 'trace', 'file_sync', 'heartbeat',
    'heartbeat_tick', 'link_support', 'local_admin_dir', 'system_tag_proc'))

# Keys of features lmake-cs does not build, whose absence would change what jobs see or where results come
# from: refused when set to a non-empty value (exit 8, at the line that sets them). README.md lists them.
UNSUPPORTED = {'sub_repos': 'sub-repos'}

# Keys whose value is a function of the Lmakefile the server has called (by the per-job helper, which holds the
# Lmakefile) at a given moment; the document says only whether each is set (true).
PROCS = ('server_start_proc', 'req_start_proc', 'req_end_proc', 'server_end_proc')

class Config(pdict):
    'lmake.config: refuses unknown keys at the line that sets them, remembers which keys the user set'

    def __init__(self):
        super().__init__(pdict.mk_deep(defaults()))
        object.__setattr__(self, '_user_set', {})

    def __setitem__(self, key, value):
        if key not in KNOWN_KEYS:
            file, line = user_frame()
            raise LmakefileError(f'config: unknown key {key!r} (known keys: {", ".join(sorted(KNOWN_KEYS))})', file, line)
        self._user_set.setdefault(key, user_frame())
        super().__setitem__(key, pdict.mk_deep(value) if isinstance(value, dict) else value)

    def __setattr__(self, name, value): self[name] = value

    def update(self, *args, **kwds):
        for k, v in dict(*args, **kwds).items(): self[k] = v

    def user_set_keys(self): return dict(self._user_set)

    def as_plain_dict(self): return check_and_merge(self)

def _plain(value):
    if callable(value) and not isinstance(value, type): return True     # a proc: called by the helper (PROCS)
    if isinstance(value, dict): return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)): return [_plain(v) for v in value]
    return value

def _merge(default, value):
    if isinstance(default, dict) and isinstance(value, dict):
        merged = {k: _plain(v) for k, v in default.items()}
        for k, v in value.items(): merged[str(k)] = _merge(default.get(k), v)
        return merged
    return _plain(value)

def check_and_merge(config):
    'the config as plain JSON-able data, defaults merged under the user values; raises on an unknown key'
    if not isinstance(config, dict):
        raise LmakefileError(f'lmake.config must be a dict, not {type(config).__name__}')
    unknown = [k for k in config if k not in KNOWN_KEYS]
    if unknown: raise LmakefileError(f'config: unknown key {unknown[0]!r}')
    set_at = config.user_set_keys() if hasattr(config, 'user_set_keys') else {}
    def at(key, check):
        'runs the check of one key: what it refuses is said at the line that set the key'
        try: return check()
        except LmakefileError as e:
            if e.file is None and key in set_at: e.file, e.line = set_at[key]
            e.config_key = key   # set deeper (lmake.config.caches.c = ...): the reader looks for the line
            raise
    result = {}
    for k, d in defaults().items():
        if k in config: at(k, lambda: _check_type(k, d, config[k]))
        result[k] = _merge(d, config[k]) if k in config else _plain(d)
    at('link_support', lambda: _check_choice('link_support', result['link_support'], LINK_SUPPORTS))
    at('backends', lambda: _check_backends(result['backends']))
    caches = at('caches', lambda: {name: _cache_settings(name, c) for name, c in result['caches'].items()})
    result['caches'] = {name: c for name, c in caches.items() if c is not None}
    for k, what in UNSUPPORTED.items():
        if result[k]: at(k, lambda: _refuse(f"config: key '{k}': {what} is not supported by lmake-cs"))
    return result

# config.md: how far symbolic links are followed; the backends open-lmake knows
LINK_SUPPORTS = ('none', 'file', 'full', 'full_ext')
BACKENDS = ('local', 'sge', 'slurm')

def _refuse(message): raise LmakefileError(message)

def _check_choice(key, value, choices):
    # (None: not set, as open-lmake's own tests write it)
    if value is not None and value not in choices:
        raise LmakefileError(f'config: key {key!r} = {value!r}: expected one of {", ".join(choices)}')

def _check_backends(backends):
    for name in backends:
        if name not in BACKENDS: raise LmakefileError(f'config: key \'backends\': unknown backend {name!r} (known: {", ".join(BACKENDS)})')
    _check_local_resources(backends.get('local'))

# the variables a cache dir's LMAKE/config.py may set (cache.md), with their defaults (size has none)
CACHE_DIR_VARS = {'file_sync': 'auto', 'domain_name': '', 'max_rate': '1G', 'max_runs_per_job': 100, 'size': None}

def _cache_settings(name, cache):
    '''lmake.config.caches.NAME: its dir (absolute, holding LMAKE/config.py) and repo_key, with the settings of that
    file; None when the dir is not there (the jobs that name it run without a cache, as with none)'''
    what = f'config: caches.{name}'
    if not isinstance(cache, dict): raise LmakefileError(f'{what} must be a dict with a dir')
    unknown = [k for k in cache if k not in ('dir', 'repo_key')]
    if unknown: raise LmakefileError(f'{what}: unknown attribute {unknown[0]!r} (known: dir, repo_key)')
    d = cache.get('dir')
    if not isinstance(d, str) or not d.startswith('/'): raise LmakefileError(f'{what}.dir = {d!r}: an absolute path is required')
    d = os.path.normpath(d)
    repo_key = cache.get('repo_key')
    if repo_key is not None and not isinstance(repo_key, str): raise LmakefileError(f'{what}.repo_key = {repo_key!r}: a str is required')
    settings = dict(CACHE_DIR_VARS)
    config_py = os.path.join(d, 'LMAKE', 'config.py')
    try:
        with open(config_py) as f: text = f.read()
    except OSError as e:
        import sys
        print(f'{what}: cannot read {config_py} ({e.strerror}): jobs run without this cache', file=sys.stderr)
        return None
    values = {}
    try: exec(compile(text, config_py, 'exec'), {}, values)
    except Exception as e: raise LmakefileError(f'{config_py}: {type(e).__name__}: {e}') from None
    for k, v in values.items():
        if k in settings: settings[k] = v
    size = _size_of(settings['size'], f'{config_py}: size')
    if size is None: raise LmakefileError(f'{config_py}: size is required (the room the cache may take, e.g. size = \'10G\')')
    runs = settings['max_runs_per_job']
    if not isinstance(runs, int) or isinstance(runs, bool) or runs < 1: raise LmakefileError(f'{config_py}: max_runs_per_job = {runs!r}: a positive int is required')
    return {'dir': d, 'repo_key': repo_key, 'size': size, 'max_runs_per_job': runs,
            'max_rate': _size_of(settings['max_rate'], f'{config_py}: max_rate'), 'file_sync': str(settings['file_sync'])}

_UNITS = {'': 1, 'k': 1 << 10, 'K': 1 << 10, 'M': 1 << 20, 'G': 1 << 30, 'T': 1 << 40}

def _size_of(value, what):
    'a size in bytes: an int, or a str of a number and a unit suffix (k, M, G, T: powers of 1024)'
    if value is None: return None
    if isinstance(value, bool): raise LmakefileError(f'{what} = {value!r}: a size is required')
    if isinstance(value, (int, float)):
        if value <= 0: raise LmakefileError(f'{what} = {value!r}: a positive size is required')
        return int(value)
    m = re.fullmatch(r'\s*(\d+(?:\.\d*)?)\s*([kKMGT]?)\s*', value) if isinstance(value, str) else None
    if m is None: raise LmakefileError(f'{what} = {value!r}: a number with an optional unit (k, M, G, T) is required')
    return int(float(m.group(1)) * _UNITS[m.group(2)])

_COUNT = re.compile(r'\s*\d+(\.0*)?\s*')
_SIZE  = re.compile(r'\s*\d+(\.0*)?\s*[kKmMgGtT]?\s*')

def _check_local_resources(local):
    'the capacities of the local backend: a whole count, or for mem and tmp a size (MB, or with a unit: 4G)'
    if not isinstance(local, dict): return
    for name, value in local.items():
        if name == 'environ': continue
        size = name in ('mem', 'tmp')
        if isinstance(value, bool): ok = False
        elif isinstance(value, (int, float)): ok = value >= 0 and value == int(value)
        elif isinstance(value, str): ok = (_SIZE if size else _COUNT).fullmatch(value) is not None
        else: ok = False
        if not ok:
            what = "a size in MB or with a unit such as '4G'" if size else 'a whole count'
            raise LmakefileError(f'config: key \'backends\': local resource {name} = {value!r}: expected {what}')

def _check_type(key, default, value):
    'a number where a number is expected, a dict where a dict is: the server must not guess'
    if value is None: return
    if key in PROCS:
        if not callable(value): raise LmakefileError(f'config: key {key!r} = {value!r}: expected a function')
        return
    if default is None: return
    if isinstance(default, bool): ok = isinstance(value, bool)
    elif isinstance(default, (int, float)): ok = isinstance(value, (int, float)) and not isinstance(value, bool)
    elif isinstance(default, str): ok = isinstance(value, str)
    elif isinstance(default, dict): ok = isinstance(value, dict)
    elif isinstance(default, (tuple, list)): ok = isinstance(value, (tuple, list))
    else: ok = True
    if not ok:
        raise LmakefileError(f'config: key {key!r} = {value!r}: expected a {"number" if isinstance(default, (int, float)) else type(default).__name__}')
