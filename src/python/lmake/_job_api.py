# The in-job Python API (spec B): lmake.depend/target/check_deps/encode/decode/xxhsum_file and Autodep.
# The calls talk to the job's runner directly over the channel in $LMAKE_JOB_CHANNEL ("NAME:KEY", an abstract
# unix socket), with the framing of src/autodep/tracking/Commands/JobChannelWire.cs (change both together):
#   frame = u32le payload length, payload;  payload = fields, each u32le byte count + UTF-8 bytes
#   request = KEY VERB CWD ARGS...;  reply = "ok" RESULTS... | "error" MESSAGE
# One connection per call: nothing to keep open, so fork, close_fds and threads cannot break it.
import os
import struct
# socket and subprocess are imported at the first call that needs them: `import lmake` (every Lmakefile.py)
# must stay cheap.

_BIN = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), 'bin')

class JobCommandError(RuntimeError):
    'an in-job call failed: not inside a job (or its runner is gone), or the runner refused the request'

_shim_lib = None

def _shim():
    'the LD_PRELOAD shim when this process runs under it (its exported controls), else None'
    global _shim_lib
    if _shim_lib is None:
        _shim_lib = False
        if 'LMAKE_AUTODEP_FD' in os.environ:
            try:
                import ctypes
                lib = ctypes.CDLL(None)
                if hasattr(lib, 'lmake_autodep_set'): _shim_lib = lib
            except (OSError, ImportError):
                pass
    return _shim_lib or None

def _recv_exactly(sock, n):
    chunks = []
    while n > 0:
        chunk = sock.recv(n)
        if not chunk: raise JobCommandError("the job's runner closed the connection before answering (the job is ending?)")
        chunks.append(chunk)
        n -= len(chunk)
    return b''.join(chunks)

def _call(verb, *args):
    'send one request, return the results of an "ok" reply'
    channel = os.environ.get('LMAKE_JOB_CHANNEL')
    name, _, key = channel.rpartition(':')
    shim = _shim()
    if shim: shim.lmake_autodep_flush()   # the accesses made so far reach the runner before this request
    fields = [key, verb, os.getcwd()] + [a if isinstance(a, str) else str(a) for a in args]
    payload = b''.join(struct.pack('<I', len(b)) + b for b in (f.encode('utf-8', 'surrogateescape') for f in fields))
    import socket
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        try:
            sock.connect('\0' + name)
        except OSError:
            raise JobCommandError(f"the job's runner cannot be reached at @{name} (the job has ended, or $LMAKE_JOB_CHANNEL is stale)") from None
        sock.sendall(struct.pack('<I', len(payload)) + payload)
        (length,) = struct.unpack('<I', _recv_exactly(sock, 4))
        reply = _recv_exactly(sock, length)
    finally:
        sock.close()
    results = []
    at = 0
    while at + 4 <= len(reply):
        (n,) = struct.unpack_from('<I', reply, at)
        results.append(reply[at + 4:at + 4 + n].decode('utf-8', 'surrogateescape'))
        at += 4 + n
    if results and results[0] == 'ok': return results[1:]
    raise JobCommandError(results[1] if len(results) > 1 else "malformed reply from the job's runner")

def _in_job():
    'a runner answers on the channel; in the script of ldebug (channel "ldebug") the commands of bin/ answer alone'
    return os.environ.get('LMAKE_JOB_CHANNEL', '') not in ('', 'ldebug')

def _command(cmd, args, stdin=None):
    """Outside a job the call runs the matching command of bin/ instead, so that python and the shell behave
    (and explain themselves) exactly alike there: the command says that it is not inside a job and exits 11."""
    import subprocess
    proc = subprocess.run([os.path.join(_BIN, cmd)] + [str(a) for a in args], input=stdin, capture_output=True, text=True)
    if proc.returncode != 0:
        raise JobCommandError(proc.stderr.strip() or f'{cmd} failed (exit code {proc.returncode})')
    return proc.stdout

def _names(files):
    names = []
    for f in files:
        if isinstance(f, (list, tuple, set)): names.extend(os.fspath(x) for x in f)
        else: names.append(os.fspath(f))
    return names

def _bits(*pairs):
    return sum(bit for on, bit, _ in pairs if on)

def _options(*pairs):
    return [option for on, _, option in pairs if on]

# (set, bit value of Lmake.Autodep.DeclaredDepFlags / DeclaredTargetFlags, command option)
def depend(*deps, follow_symlinks=False, direct=False, verbose=False, read=False, critical=False, essential=False,
           ignore=False, ignore_error=False, readdir_ok=False, required=True, regexpr=False):
    '''declare deps of the running job (all parallel: no order among them).
    read=True: also an actual read of each (a regular access, as open would make); follow_symlinks=True: the
    files links point to are deps too. direct=True: wait until they are made. verbose=True: the same, and return
    {name: {'ok': ..., 'checksum': ...}}: ok is True/False (made without error or not) with ignore_error=True,
    else None; checksum is the dep's (see xxhsum_file) with read=True, else None.'''
    if (verbose or direct) and regexpr: raise ValueError('verbose and direct cannot be used with regexpr')
    flags = ((critical, 1, '-c'), (essential, 2, '-E'), (ignore_error, 4, '-e'), (not required, 8, '-r'), (readdir_ok, 16, '-D'),
             (ignore, 32, '-I'), (read and not regexpr, 64, '-R'))
    names = _names(deps)
    if follow_symlinks and not regexpr:
        names += [os.path.relpath(os.path.realpath(n)) for n in names if os.path.islink(n)]
    wait = bool(verbose or direct)
    if _in_job():
        results = _call('depend', _bits(*flags), int(bool(regexpr)), int(wait), *names)
    else:
        out = _command('ldepend', _options(*flags, (regexpr, 0, '-X'), (verbose, 0, '-v'), (direct and not verbose, 0, '-d')) + ['--'] + names)
        results = [x for line in out.splitlines() for x in line.split(' ', 2)[:2] + ['0']]
    if read and not regexpr: _read_access(names)
    if not verbose: return None
    return {name: {'ok': {'ok': True, 'error': False}.get(results[3 * i]),
                   'checksum': None if results[3 * i + 1] == '-' else results[3 * i + 1]}
            for i, name in enumerate(names)}

def _read_access(names):
    'an actual read of each file, for the autodep to see (a missing file is a read too)'
    for n in names:
        try:
            with open(n, 'rb') as f: f.read(1)
        except OSError: pass

def target(*targets, write=False, incremental=False, phony=False, source_ok=False, ignore=False, regexpr=False,
           no_warning=False, allow=True, essential=False, follow_symlinks=False, critical=False, ignore_error=False,
           readdir_ok=False, required=False):
    '''declare targets of the running job (it may write them). Accepted for open-lmake Lmakefiles but without
    effect yet: allow=False, essential, follow_symlinks and the dep flags (critical, ignore_error, readdir_ok,
    required) that apply when a target turns out to be a dep.'''
    flags = ((write, 1, '-W'), (incremental, 2, '-i'), (phony, 4, '-p'), (source_ok, 8, '-s'), (ignore, 16, '-I'), (no_warning, 32, '-w'))
    names = _names(targets)
    if _in_job(): _call('target', _bits(*flags), int(bool(regexpr)), *names)
    else: _command('ltarget', _options(*flags, (regexpr, 0, '-X')) + ['--'] + names)

def _listed(verb, cmd, dir, regexpr):
    if _in_job(): return tuple(_call(verb, '' if dir is None else os.fspath(dir), regexpr or ''))
    args = ['-l'] + ([] if dir is None else ['-z', os.fspath(dir)]) + ([] if not regexpr else ['-X', regexpr])
    return tuple(_command(cmd, args).splitlines())

def list_deps(dir=None, regexpr=None):
    '''the deps seen so far, in order: relative to the cwd (absolute if it is outside the repo), only those under dir
    and whose name, as listed, matches regexpr as a whole, when given'''
    return _listed('list_deps', 'ldepend', dir, regexpr)

def list_targets(dir=None, regexpr=None):
    '''the targets the job has so far (written or declared, not removed since), in order: relative to the cwd
    (absolute if it is outside the repo), only those under dir and whose name, as listed, matches regexpr as a
    whole, when given'''
    return _listed('list_targets', 'ltarget', dir, regexpr)

def list_root(dir):
    'dir as list_deps and list_targets write the names under it: the prefix to take off them (with its final /)'
    root = os.environ.get('REPO_ROOT') or ''
    cwd = os.getcwd()
    path = os.path.normpath(os.path.join(cwd, os.fspath(dir)))
    under = lambda d, r: d == r or d.startswith(r.rstrip('/') + '/')
    if not root or not (under(cwd, root) or under(os.path.realpath(cwd), os.path.realpath(root))): return path + '/'
    rel = os.path.relpath(path, cwd)
    return '' if rel == '.' else rel + '/'

def _tree_targets(from_dir, regexpr):
    'the targets under from_dir (matching regexpr), each with its name relative to from_dir'
    prefix = list_root(from_dir)
    return [(t, t[len(prefix):]) for t in list_targets(dir=from_dir, regexpr=regexpr) if t.startswith(prefix)]

def _copy(src, dst):
    os.makedirs(os.path.dirname(dst) or '.', exist_ok=True)
    if os.path.lexists(dst): os.unlink(dst)
    if os.path.islink(src): os.symlink(os.readlink(src), dst)
    else:
        import shutil
        shutil.copy2(src, dst)

def _remove_empty_dirs(dirs, top):
    'remove the dirs that became empty, from the deepest up, as far as top (included)'
    top = os.path.normpath(top)
    for d in sorted({os.path.normpath(d) for d in dirs}, key=len, reverse=True):
        while d and (d == top or d.startswith(top + '/') or top == '.'):
            try: os.rmdir(d)
            except OSError: break
            if d == top: break
            d = os.path.dirname(d)

def cp_target_tree(from_dir, to_dir, regexpr=None):
    'copy the targets of the job under from_dir (matching regexpr) to the same place under to_dir; links are copied as they are'
    to_dir = os.fspath(to_dir)
    for src, rel in _tree_targets(from_dir, regexpr):
        if not os.path.lexists(src): continue
        dst = os.path.join(to_dir, rel)
        target(dst)
        _copy(src, dst)

def mv_target_tree(from_dir, to_dir, regexpr=None):
    'move the targets of the job under from_dir (matching regexpr) to to_dir; the dirs left empty, as far as from_dir, go'
    to_dir = os.fspath(to_dir)
    moved = []
    for src, rel in _tree_targets(from_dir, regexpr):
        if not os.path.lexists(src): continue
        dst = os.path.join(to_dir, rel)
        target(dst)
        _copy(src, dst)
        os.unlink(src)
        moved.append(os.path.dirname(src))
    _remove_empty_dirs(moved, os.fspath(from_dir))

def rm_target_tree(dir, regexpr=None):
    'remove the targets of the job under dir (matching regexpr); the dirs left empty, as far as dir, go'
    removed = []
    for name, _ in _tree_targets(dir, regexpr):
        if not os.path.lexists(name): continue
        os.unlink(name)
        removed.append(os.path.dirname(name))
    _remove_empty_dirs(removed, os.fspath(dir))

def check_deps(delay=0, sync=False):
    '''True if every dep seen so far is up to date; else the runner stops the job (it reruns later) and this
    returns False if the job is still running. With a delay, the check is made delay seconds from now (this call
    waits for it).'''
    if delay:
        import time
        time.sleep(delay)
    if not _in_job():
        _command('lcheck_deps', ['-s'] if sync else [])
        return True
    results = _call('check_deps')
    return bool(results) and results[0] == '1'

def _text(x):
    'bytes as they are (surrogate-escaped for the channel), anything else as its str'
    return (os.fsdecode(x), True) if isinstance(x, bytes) else (str(x), False)

def encode(table, ctx, val, min_length=1, codec_version=0):
    '''the code of val in the codec table (a key of lmake.config.codecs, a source file or a dir), context ctx; the
    association is created if new, with a code of at least min_length hex digits. bytes in, bytes out.'''
    _check_codec_version(codec_version)
    value, raw = _text(val)
    if _in_job(): code = _call('encode', os.fspath(table), ctx, int(min_length), value)[0]
    else: code = _command('lencode', ['-t', os.fspath(table), '-x', ctx, '-l', int(min_length)], stdin=value).rstrip('\n')
    return os.fsencode(code) if raw else code

def decode(table, ctx, code, codec_version=0):
    '''the value associated with code in the codec table, context ctx (JobCommandError if there is none). bytes in,
    bytes out.'''
    _check_codec_version(codec_version)
    text, raw = _text(code)
    if _in_job(): value = _call('decode', os.fspath(table), ctx, text)[0]
    else: value = _command('ldecode', ['-t', os.fspath(table), '-x', ctx, '-c', text])
    return os.fsencode(value) if raw else value

def _check_codec_version(codec_version):
    'the dir form of codec tables has one version, 3 (0: the latest)'
    if codec_version not in (0, 3, None):
        raise ValueError(f'codec version {codec_version} is not supported (only 3)')

def xxhsum_file(file):
    "the checksum of a file in lmake's own form (none, empty-R, <hex>-R, <hex>-X, <hex>-L)"
    return _command('xxhsum', [os.fspath(file)]).split()[0]

_autodep_on = os.environ.get('LMAKE_AUTODEP_ENABLE', '1') != '0'

def get_autodep():
    return _autodep_on

def set_autodep(enable):
    '''turn the reporting of this process's accesses on or off (the shim's lmake_autodep_set); processes started
    meanwhile inherit the setting through LMAKE_AUTODEP_ENABLE'''
    global _autodep_on
    _autodep_on = bool(enable)
    shim = _shim()
    if shim: shim.lmake_autodep_set(1 if _autodep_on else 0)
    os.environ['LMAKE_AUTODEP_ENABLE'] = '1' if _autodep_on else '0'

class Autodep:
    'with Autodep(False): the accesses made in the block are not reported (in this process and those it starts)'
    def __init__(self, enable): self.enable = enable
    def __enter__(self):
        self.prev = get_autodep()
        set_autodep(self.enable)
        return self
    def __exit__(self, *exc): set_autodep(self.prev)
