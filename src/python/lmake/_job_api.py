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
    fields = [key, verb, os.getcwd()] + [str(a) for a in args]
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
    return bool(os.environ.get('LMAKE_JOB_CHANNEL'))

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
def depend(*files, critical=False, essential=False, ignore_error=False, required=True, readdir_ok=False, ignore=False,
           regexpr=False, verbose=False, read=False, direct=False, follow_symlinks=False):
    '''declare deps of the running job (all parallel: no order among them).
    read=True: also an actual read of each (a regular access, as open would make); follow_symlinks=True: the
    files links point to are deps too. verbose=True (or direct=True): wait until they are up to date, and
    (verbose) return {name: (status, checksum)}.'''
    if (verbose or direct) and regexpr: raise ValueError('verbose and direct cannot be used with regexpr')
    flags = ((critical, 1, '-c'), (essential, 2, '-E'), (ignore_error, 4, '-e'), (not required, 8, '-r'), (readdir_ok, 16, '-D'),
             (ignore, 32, '-I'))
    names = _names(files)
    if follow_symlinks and not regexpr:
        names += [os.path.relpath(os.path.realpath(n)) for n in names if os.path.islink(n)]
    wait = bool(verbose or direct)
    if _in_job():
        results = _call('depend', _bits(*flags), int(bool(regexpr)), int(wait), *names)
    else:
        out = _command('ldepend', _options(*flags, (regexpr, 0, '-X'), (wait, 0, '-v')) + ['--'] + names)
        results = [x for line in out.splitlines() for x in line.split(' ', 2)[:2]]
    if read and not regexpr: _read_access(names)
    if not verbose: return None
    return {name: (results[2 * i], results[2 * i + 1]) for i, name in enumerate(names)}

def _read_access(names):
    'an actual read of each file, for the autodep to see (a missing file is a read too)'
    for n in names:
        try:
            with open(n, 'rb') as f: f.read(1)
        except OSError: pass

def target(*files, write=False, incremental=False, phony=False, source_ok=False, ignore=False, regexpr=False,
           no_warning=False, allow=True, essential=False, follow_symlinks=False, critical=False, ignore_error=False,
           readdir_ok=False, required=False):
    '''declare targets of the running job (it may write them). Accepted for open-lmake Lmakefiles but without
    effect yet: allow=False, essential, follow_symlinks and the dep flags (critical, ignore_error, readdir_ok,
    required) that apply when a target turns out to be a dep.'''
    flags = ((write, 1, '-W'), (incremental, 2, '-i'), (phony, 4, '-p'), (source_ok, 8, '-s'), (ignore, 16, '-I'), (no_warning, 32, '-w'))
    names = _names(files)
    if _in_job(): _call('target', _bits(*flags), int(bool(regexpr)), *names)
    else: _command('ltarget', _options(*flags, (regexpr, 0, '-X')) + ['--'] + names)

def list_deps():
    'the deps seen so far, in order'
    return _call('list_deps') if _in_job() else _command('ldepend', ['-l']).splitlines()

def list_targets():
    'the targets seen so far, in order'
    return _call('list_targets') if _in_job() else _command('ltarget', ['-l']).splitlines()

def check_deps(sync=False):
    '''True if every dep seen so far is up to date; else the runner stops the job (it reruns later) and this
    returns False if the job is still running.'''
    if not _in_job():
        _command('lcheck_deps', ['-s'] if sync else [])
        return True
    results = _call('check_deps')
    return bool(results) and results[0] == '1'

def encode(value, file, ctx, min_len=1):
    'the short code of value in codec table file (a file or a directory), context ctx; the entry is created if new'
    if _in_job(): return _call('encode', os.fspath(file), ctx, int(min_len), value)[0]
    return _command('lencode', ['-t', os.fspath(file), '-x', ctx, '-l', int(min_len)], stdin=value).rstrip('\n')

def decode(code, file, ctx):
    'the value whose code is code in codec table file, context ctx (JobCommandError if there is none)'
    if _in_job(): return _call('decode', os.fspath(file), ctx, code)[0]
    return _command('ldecode', ['-t', os.fspath(file), '-x', ctx, '-c', code])

def xxhsum_file(name):
    "the checksum of a file in lmake's own form (none, empty-R, <hex>-R, <hex>-X, <hex>-L)"
    return _command('xxhsum', [os.fspath(name)]).split()[0]

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
