# The long-lived helper (read_makefiles.py --serve): holds the Lmakefile's classes and computes, for one job,
# the attributes the server cannot substitute itself (f-strings calling functions, attributes that are
# functions). One JSON request a line on stdin, one JSON answer a line on stdout, in order.
import inspect
import json
import sys
import types

from .rule_compiler import AUTODEP_METHODS, DEP_FLAGS, DEFAULT_DEP_FLAGS, DICT_ATTRS, SCALAR_ATTRS, _pattern_and_flags, star_dep_pattern, \
    _scalar, interpreter, merged_dict, namespace_doc, normalize_flags, shell_chain
from lmake._errors import LmakefileError
from lmake._star import _STAR, StarTarget

from .templates import eval_fstring

class _Context(dict):
    'the names an f-string of a job sees: stems, targets, deps, then the class attributes, then the globals'
    def __init__(self, cls, values):
        super().__init__(values)
        self.cls = cls
    def __missing__(self, key):
        try: return getattr(self.cls, key)
        except AttributeError: raise KeyError(key) from None

def _call(f, ctx, glbs):
    'call an attribute that is a function: parameters by name from the job, and the job names as globals'
    params = inspect.signature(f).parameters
    if params: return f(**{p: ctx[p] for p in params if p in ctx})
    g = dict(f.__globals__)
    g.update(ctx)
    return types.FunctionType(f.__code__, g, f.__name__, f.__defaults__, f.__closure__)()

class _Literal(str):
    'a name a function gave: used as it is (only the names written in the Lmakefile are f-strings)'

def _literal(x):
    if isinstance(x, str): return _Literal(x)
    if isinstance(x, dict): return {_literal(k): _literal(v) for k, v in x.items()}
    if isinstance(x, (tuple, list)): return type(x)(_literal(i) for i in x)
    return x

def _value(v, ctx, glbs):
    if isinstance(v, (staticmethod, classmethod)): v = v.__func__
    if isinstance(v, str): return eval_fstring(v, glbs, ctx)
    if callable(v): return _call(v, ctx, glbs)
    return v

def evaluate(cls, request, reads=None):
    glbs = sys.modules[cls.__module__].__dict__
    values = dict(request.get('stems', {}))
    values.update({k: StarTarget(v) if _STAR.search(v) else v for k, v in request.get('targets', {}).items()})
    values.update({k: v for k, v in request.get('deps', {}).items() if v is not None})
    ctx = _Context(cls, values)
    want = request.get('want', [])
    answer = {}
    if 'deps' in want:
        deps = {}
        single = getattr(cls, 'dep', None)
        if single is not None:
            t, _ = _pattern_and_flags(single, 'dep')
            deps['dep'] = {'name': _value(t, ctx, glbs), 'flags': None}
        d = merged_dict(cls, 'deps')
        if not isinstance(d, dict):
            d = _call(d, ctx, glbs) or {}
            if not isinstance(d, dict): raise TypeError(f'deps function returned {type(d).__name__}, not a dict')
            for k, v in d.items():
                t, words = _pattern_and_flags(v, f'dep {k}')
                deps[k] = {'name': _value(t, ctx, glbs), 'flags': normalize_flags(words, DEP_FLAGS, DEFAULT_DEP_FLAGS, f'dep {k}')}
        else:
            for k, v in d.items():
                t, _ = _pattern_and_flags(v, f'dep {k}')
                if star_dep_pattern(t, k) is not None: continue     # a star dep: no file (rule_compiler)
                deps[k] = {'name': _value(t, ctx, glbs), 'flags': None}
        for k, v in merged_dict(cls, 'side_deps').items():
            t, _ = _pattern_and_flags(v, f'dep {k}')
            if star_dep_pattern(t, k) is not None: continue
            deps[k] = {'name': _value(t, ctx, glbs), 'flags': None}
        for k, v in deps.items():
            if v['name'] is not None: v['name'] = str(v['name'])
            if v['name'] is not None: ctx[k] = v['name']
        answer['deps'] = deps
    if all(w == 'deps' for w in want):   # deps are computed before the resources and never see them
        answer['attrs'] = {}
        return answer
    # from here on (resources, cmd, environ...), what the Lmakefile's functions read becomes deps of the job
    if reads is None: reads = _NO_READS
    reads.start()
    # the job's resources, before what may use them (cmd, environ...); a stem, target or dep of the same name wins
    reads.phase(READ_AT_SUBMIT | READ_FOR_RESOURCES)
    resource_values = _eval_dict(cls, 'resources', ctx, glbs)
    for k, v in resource_values.items():
        if k not in ctx: ctx[k] = v
    if 'cmd' in want:
        reads.phase(0)
        answer['cmd'] = '\n'.join(str(eval_fstring(c, glbs, ctx)) for c in shell_chain(cls))
    attrs = {}
    for attr in DICT_ATTRS:
        if attr not in want: continue
        reads.phase(_DICT_READ_KINDS.get(attr, 0))
        values = resource_values if attr == 'resources' else _eval_dict(cls, attr, ctx, glbs)
        attrs[attr] = {k: [v] for k, v in values.items()}
    for attr, kind in SCALAR_ATTRS.items():
        if attr not in want: continue
        reads.phase(READ_AT_SUBMIT if attr in SUBMIT_ATTRS else 0)
        attrs[attr] = _scalar(attr, _value(getattr(cls, attr), ctx, glbs), kind)
    if 'namespace' in want:
        # what a job's namespace attributes give (functions, f-strings), each name a template of one literal part
        reads.phase(0)
        text = lambda attr, v: [str(v) if isinstance(v, _Literal) else str(eval_fstring(v, glbs, ctx))]
        value = lambda attr, v: _literal(_call(v, ctx, glbs)) if callable(v) else v
        attrs['namespace'] = namespace_doc(cls, text, value)
    reads.phase(0)
    if attrs.get('autodep', AUTODEP_METHODS[0]) not in AUTODEP_METHODS:
        raise LmakefileError(f'autodep = {attrs["autodep"]!r}: expected one of {", ".join(AUTODEP_METHODS)}')
    for attr in ('shell', 'python'):
        if attr not in want: continue
        v = _value(getattr(cls, attr), ctx, glbs)
        if isinstance(v, (tuple, list)): v = [eval_fstring(x, glbs, ctx) if isinstance(x, str) else x for x in v]
        attrs[attr] = interpreter(attr, v)
    answer['attrs'] = attrs
    return answer

def _eval_dict(cls, attr, ctx, glbs):
    '''a dict attribute of the job (or the dict its function returns), values computed; those that are None left out.
    environ_ancillary is not managed (job_execution.md: its variables have no impact at all on the job), so a value
    that cannot be computed (a file it reads not made yet: ancillary reads are no deps) leaves its variable unset
    rather than failing the job'''
    d = merged_dict(cls, attr)
    if not isinstance(d, dict): d = _call(d, ctx, glbs) or {}
    out = {}
    for k, v in d.items():
        if attr == 'environ_ancillary':
            try: v = _value(v, ctx, glbs)
            except Exception: continue
        else: v = _value(v, ctx, glbs)
        if v is not None: out[str(k)] = '...' if v is Ellipsis else str(v)
    return out

def run_proc(name):
    'lmake.config.NAME (server_start_proc, req_end_proc...): called with no argument, its result dropped'
    import lmake
    from lmake._config import PROCS
    if name not in PROCS: raise KeyError(f'no config proc {name}')
    f = lmake.config.get(name)
    if callable(f): f()
    return {}

def _traceback_files(exc):
    '''the repo files the backtrace of exc goes through (the Lmakefile...): the failed job reads them, as python
    does to print a backtrace, so it depends on them'''
    import os
    root = os.getcwd() + '/'
    files, tb = [], exc.__traceback__
    while tb is not None:
        f = os.path.abspath(tb.tb_frame.f_code.co_filename)
        if f.startswith(root) and os.path.isfile(f) and f[len(root):] not in files: files.append(f[len(root):])
        tb = tb.tb_next
    return files

# What kind of attribute read a file (rules.md, "Dynamic"): the server makes each such file before the job runs,
# and these bits say what follows from it (JobPlan.DynamicReadKinds reads the same bits):
READ_AT_SUBMIT     = 1   # computed before the job is submitted (resources, backend, cache, timeout): the job waits
                         # for the file silently, early_rerun only when it had to be built first
READ_FOR_RESOURCES = 2   # only resources and environ_resources read it: a change reruns a job in error only
READ_ANCILLARY     = 4   # only environ_ancillary read it: not managed, hence no dep
SUBMIT_ATTRS = frozenset(('backend', 'cache', 'timeout'))
_DICT_READ_KINDS = {'resources': READ_AT_SUBMIT | READ_FOR_RESOURCES, 'environ_resources': READ_FOR_RESOURCES,
                    'environ_ancillary': READ_ANCILLARY}

class EvaluationReads:
    '''the repo files a job's dynamic attributes open (the audit hook of the read log sees every open, a failed one
    too): deps of the job, made before it runs (a file not made yet when it was read: early_rerun), each with
    the READ_* bits of the attributes that read it'''
    def __init__(self, log):
        import os
        self.log = log
        self.root = os.getcwd() + '/'
        self.kinds = {}          # absolute path -> READ_* bits, in first-read order
        self.current = 0
    def start(self):
        self.kinds = {}
        self.current = 0
        if self.log is None: return
        self.log.files = {}
        self.log.active = True
    def phase(self, bits):
        'what is read from now on is read by an attribute of these READ_* bits'
        self._flush()
        self.current = bits
    def saw(self, names):
        'repo-relative names the computation read without an open the audit hook saw'
        if self.log is None or not self.log.active: return
        for name in names: self.log.files.setdefault(self.root + name, None)
    def _flush(self):
        if self.log is None or not self.log.active: return
        for path in self.log.files:
            old = self.kinds.get(path)
            # at submit if any attribute computed at submit read it; resources or ancillary only if all were
            self.kinds[path] = self.current if old is None else \
                (old | self.current) & READ_AT_SUBMIT | (old & self.current) & (READ_FOR_RESOURCES | READ_ANCILLARY)
        self.log.files = {}
    def stop(self):
        '''(the repo-relative names read since start, in first-read order, LMAKE/ and compiled modules left out;
        their READ_* bits)'''
        if self.log is None or not self.log.active: return [], []
        self._flush()
        self.log.active = False
        names, kinds = [], []
        for path, bits in self.kinds.items():
            if not path.startswith(self.root): continue
            name = path[len(self.root):]
            if name.startswith('LMAKE/') or name.endswith('.pyc'): continue
            names.append(name)
            kinds.append(bits)
        return names, kinds

_NO_READS = EvaluationReads(None)

def serve(rules, stdin, stdout, log=None):
    'rules: the compiled rule classes, in the order of the JSON document; log: the read log (its audit hook)'
    reads = EvaluationReads(log)
    for line in stdin:
        if not line.strip(): continue
        try:
            request = json.loads(line)
            if request.get('proc'): answer = run_proc(request['proc'])
            else: answer = evaluate(rules[request['rule']], request, reads)
        except Exception as e:                      # the job fails with this message, the helper goes on
            files = _traceback_files(e)
            answer = {'error': f'{type(e).__name__}: {e}', 'files': files}
            reads.saw(files)                        # read to print the backtrace: the computation read them
        read, kinds = reads.stop()
        if read:
            answer['reads'] = read
            if any(kinds): answer['read_kinds'] = kinds
        stdout.write(json.dumps(answer) + '\n')
        stdout.flush()
