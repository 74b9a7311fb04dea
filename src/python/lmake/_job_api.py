# The in-job Python API (spec B): each call runs the matching installed command (bin/ldepend, bin/ltarget...)
# so a job talks to lmake the same way whether it is a shell or a Python script.
import os
import subprocess

_BIN = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), 'bin')

def _run(cmd, args, stdin=None):
    proc = subprocess.run([os.path.join(_BIN, cmd)] + list(args), input=stdin, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f'{cmd} {" ".join(args)} failed ({proc.returncode}): {proc.stderr.strip()}')
    return proc.stdout

def _flag_args(table, kwds):
    args = []
    for name, value in kwds.items():
        if name not in table: raise TypeError(f'unexpected keyword argument {name!r}')
        if value: args.append(table[name])
    return args

_DEPEND_FLAGS = {'critical': '-c', 'essential': '-E', 'ignore_error': '-e', 'required': None, 'readdir_ok': '-D',
                 'ignore': '-I', 'regexpr': '-X', 'verbose': '-v'}

def depend(*files, required=True, **kwds):
    'declare deps (all parallel); with verbose=True, return {name: (ok, checksum)} once they are up to date'
    args = _flag_args({k: v for k, v in _DEPEND_FLAGS.items() if v}, kwds)
    if not required: args.append('-r')
    out = _run('ldepend', args + ['--'] + [os.fspath(f) for f in files])
    if not kwds.get('verbose'): return None
    result = {}
    for line in out.splitlines():
        status, checksum, name = line.split(' ', 2)
        result[name] = (status == 'ok', checksum)
    return result

_TARGET_FLAGS = {'write': '-W', 'incremental': '-i', 'phony': '-p', 'source_ok': '-s', 'ignore': '-I',
                 'regexpr': '-X', 'no_warning': '-w'}

def target(*files, **kwds):
    'declare targets'
    _run('ltarget', _flag_args(_TARGET_FLAGS, kwds) + ['--'] + [os.fspath(f) for f in files])

def check_deps(sync=False):
    'stop the job (it reruns later) if a dep seen so far is not up to date'
    _run('lcheck_deps', ['-s'] if sync else [])

def encode(value, file, ctx, min_len=1):
    'the short code of value in table file, context ctx'
    return _run('lencode', ['-t', file, '-x', ctx, '-l', str(min_len)], stdin=value).rstrip('\n')

def decode(code, file, ctx):
    'the value whose code is code in table file, context ctx'
    return _run('ldecode', ['-t', file, '-x', ctx, '-c', code])

def xxhsum_file(name):
    "the checksum of a file in lmake's own form (none, empty-R, <hex>-R, <hex>-L)"
    return _run('xxhsum', [os.fspath(name)]).split()[0]

_autodep_on = True

def get_autodep(): return _autodep_on

def set_autodep(enable):
    'turn dependency tracking on or off for the accesses that follow (the shim reads LMAKE_AUTODEP_ENABLE)'
    global _autodep_on
    _autodep_on = bool(enable)
    os.environ['LMAKE_AUTODEP_ENABLE'] = '1' if _autodep_on else '0'

class Autodep:
    'with Autodep(False): accesses in the block are not tracked'
    def __init__(self, enable): self.enable = enable
    def __enter__(self):
        self.prev = get_autodep()
        set_autodep(self.enable)
        return self
    def __exit__(self, *exc): set_autodep(self.prev)
