# From a rule class of the Lmakefile to the JSON the server reads: inheritance merged, patterns cut into
# parts, flags normalized, f-strings the server can substitute itself kept as parts, the rest left to the
# per-job python helper (listed in "dynamic"), python cmds serialized by value.
import os
import re
import types

from lmake._errors import LmakefileError
from lmake.rules import AliasRule, AntiRule, Rule, SourceRule, _RuleBase

from . import by_value, server_side
from .templates import TemplateError, native_parts, parse_pattern, pattern_text, python_regex

TARGET_FLAGS = ('essential', 'incremental', 'optional', 'phony', 'source_ok', 'no_warning', 'ignore', 'top')
DEP_FLAGS    = ('essential', 'critical', 'ignore_error', 'required', 'readdir_ok', 'ignore', 'top')
DEFAULT_TARGET_FLAGS = ('essential',)
DEFAULT_DEP_FLAGS    = ('essential', 'required')

DICT_ATTRS   = ('environ', 'environ_resources', 'environ_ancillary', 'resources')
PATH_LIKE    = ('environ', 'environ_resources', 'environ_ancillary')     # where '...' is the inherited value
# scalar attributes and how to check their values
SCALAR_ATTRS = {
    'autodep': str, 'auto_mkdir': bool, 'readdir_ok': bool, 'stderr_ok': bool, 'keep_tmp': bool, 'check_abs_paths': bool,
    'timeout': float, 'kill_sigs': 'ints', 'start_delay': float, 'max_stderr_len': int, 'use_script': bool,
    'force': bool, 'backend': str, 'cache': str, 'max_runs': int, 'max_submits': int,
    'max_retries_on_lost': int, 'retried_errors': 'error_kinds',
}
# retried_errors: the error kinds lmake -r retries, sent as a bit mask (JobPlan.RetriedErrors); the user lists
# what differs from the default ('-job_error' removes one, 'panic' adds one)
ERROR_KINDS = {'early_error': 1, 'job_error': 2, 'forbidden': 4, 'panic': 8, 'termination_error': 16, 'timeout': 32}
DEFAULT_RETRIED_ERRORS = ('job_error', 'termination_error', 'timeout')
AUTODEP_METHODS = ('ld_preload', 'ld_audit', 'ld_preload_jemalloc', 'ptrace', 'none')

LMAKE_ATTRS = frozenset(set(dir(Rule)) | set(DICT_ATTRS) | set(SCALAR_ATTRS) |
    {'name', 'virtual', 'target', 'dep', 'targets', 'deps', 'side_targets', 'side_deps', 'stems', 'cmd', 'job_name',
     'prio', 'shell', 'python', 'views', 'repo_view', 'tmp_view', 'lmake_view', 'chroot_dir', 'chroot_actions',
     'mount_chroot_ok'})

def _flag_name(word):
    return word.lstrip('-').replace('_', '').lower()

def normalize_flags(words, allowed, defaults, what, noun='flag'):
    'CamelCase or snake_case flag names, -Flag turns one off; returns the sorted set of snake_case names'
    by_key = {_flag_name(f): f for f in allowed}
    flags = set(defaults)
    for w in words:
        if not isinstance(w, str): raise LmakefileError(f'{what}: {noun} {w!r} is not a string')
        f = by_key.get(_flag_name(w))
        if f is None: raise LmakefileError(f'{what}: unknown {noun} {w!r} (known: {", ".join(allowed)})')
        if w.startswith('-'): flags.discard(f)
        else: flags.add(f)
    return sorted(flags)

def _flatten(xs):
    for x in xs:
        if isinstance(x, (tuple, list)): yield from _flatten(x)
        else: yield x

def _pattern_and_flags(value, what):
    if isinstance(value, str): return value, []
    if isinstance(value, (tuple, list)) and value and (isinstance(value[0], str) or callable(value[0])):
        return value[0], list(_flatten(value[1:]))
    if callable(value): return value, []
    raise LmakefileError(f'{what}: expected a pattern or a tuple (pattern, flags...), not {value!r}')

def merged_dict(cls, attr):
    '''The attribute merged along the class hierarchy (base first): entries add up, None removes an entry,
    '...' in a PATH-like value is the inherited value. A function replaces what was inherited.'''
    result = {}
    for c in reversed(cls.__mro__):
        if attr not in c.__dict__: continue
        v = c.__dict__[attr]
        if v is None: result = {}; continue
        if isinstance(v, (staticmethod, classmethod)): v = v.__func__
        if callable(v) and not isinstance(v, dict): result = v; continue
        if not isinstance(v, dict): raise LmakefileError(f'{attr} must be a dict, not {type(v).__name__}')
        if not isinstance(result, dict): result = {}
        for k, x in v.items():
            if x is None: result.pop(k, None)
            elif attr in PATH_LIKE and isinstance(x, str) and '...' in x and x != '...' and isinstance(result.get(k), str):
                result[k] = x.replace('...', result[k])
            else: result[k] = x
    return result

def constants_of(cls, module_globals):
    'the names an f-string may use that are fixed when the Lmakefile is read: user class attributes, then globals'
    consts = {}
    for k, v in module_globals.items():
        if not k.startswith('_') and type(v) in (str, int, float): consts[k] = v
    for c in reversed(cls.__mro__):
        if not issubclass(c, _RuleBase) or c.__module__ == 'lmake.rules': continue
        for k, v in c.__dict__.items():
            if k.startswith('_') or k in LMAKE_ATTRS: continue
            if type(v) in (str, int, float): consts[k] = v
            else: consts.pop(k, None)
    return consts

def class_attrs_of(cls):
    'the user attributes of a rule class (not lmake attributes), visible to python cmds'
    attrs = {}
    for c in reversed(cls.__mro__):
        if not issubclass(c, _RuleBase) or c.__module__ == 'lmake.rules': continue
        for k, v in c.__dict__.items():
            if not k.startswith('_') and k not in LMAKE_ATTRS: attrs[k] = v
    return attrs

def _join_parts(chunks):
    'concatenate parts lists, merging the literal at the seam'
    out = ['']
    for parts in chunks:
        out[-1] += parts[0]
        out.extend(parts[1:])
    return out

def _scalar(name, value, kind):
    if value is None: return None
    try:
        if kind is bool: return bool(value)
        if kind is int: return int(value)
        if kind is float: return float(value)
        if kind is str: return str(value)
        if kind == 'ints': return [int(s) for s in (value if isinstance(value, (tuple, list)) else (value,))]
        if kind == 'error_kinds':
            if value is False or value == (): value = ()
            if isinstance(value, str): value = (value,)
            if isinstance(value, (tuple, list)):
                kinds = normalize_flags(value, tuple(ERROR_KINDS), DEFAULT_RETRIED_ERRORS, name, 'error kind')
                return sum(ERROR_KINDS[k] for k in kinds)
    except (TypeError, ValueError): pass
    what = {'ints': 'signal numbers', 'error_kinds': f'a tuple of error kinds ({", ".join(ERROR_KINDS)})'}.get(kind) \
        if isinstance(kind, str) else kind.__name__
    raise LmakefileError(f'{name} = {value!r}: expected {what}')

def rule_kind(cls):
    if issubclass(cls, AntiRule): return 'anti'
    if issubclass(cls, SourceRule): return 'source'
    if issubclass(cls, AliasRule): return 'alias'
    return 'plain'

def _check_target_name(key, pattern, parts):
    'a target is a file of the repo: a relative name without empty, "." or ".." components (whatever the stems hold)'
    fixed = ''.join(p if i % 2 == 0 else 'S' for i, p in enumerate(parts))
    if not fixed: raise LmakefileError(f'target {key}: empty name')
    if fixed.startswith('/'): raise LmakefileError(f'target {key} = {pattern!r}: outside the repo (targets are files of the repo)')
    if any(c in ('', '.', '..') for c in fixed.split('/')):
        raise LmakefileError(f'target {key} = {pattern!r}: not canonical (no ".", ".." or empty components)')

def is_base(cls):
    'a class is only a base when it says virtual = True, or lacks targets (or a cmd, for a plain Rule)'
    if cls.__dict__.get('virtual', False): return True
    has_targets = getattr(cls, 'target', None) is not None or bool(merged_dict(cls, 'targets'))
    if not has_targets: return True
    return rule_kind(cls) == 'plain' and not _cmd_chain(cls)

def _cmd_chain(cls):
    chain = []
    for c in reversed(cls.__mro__):
        if 'cmd' not in c.__dict__: continue
        v = c.__dict__['cmd']
        if isinstance(v, (staticmethod, classmethod)): v = v.__func__
        if v is None: chain = []
        else: chain.append(v)
    return chain

def cmd_prologue(cls, is_python):
    'what the lmake bases run before the cmd: for HomelessRule, $HOME set to $TMPDIR (None: nothing)'
    if not getattr(cls, '_home_is_tmpdir', False): return None
    if is_python: return "import os as _lmake_os\n_lmake_os.environ['HOME'] = _lmake_os.environ['TMPDIR']\n"
    return 'HOME="$TMPDIR"'

def shell_chain(cls):
    'the shell cmds of a rule, base class first, after the prologue of its lmake bases'
    chain = _cmd_chain(cls)
    prologue = cmd_prologue(cls, False)
    return [prologue] + chain if chain and prologue else chain

# Attributes of rules.md that lmake-cs does not build. Refused at the rule's line (exit 8) when set to anything
# but an empty value: a job run without them would silently see another file system or another host than the
# one its Lmakefile asks for. README.md lists them.
UNSUPPORTED_ATTRS = {
    'lmake_root'      : 'running lmake from another install inside the job',
}

def check_supported(cls):
    'one clear error for a documented attribute lmake-cs does not build (rather than a job that silently differs)'
    for attr, what in UNSUPPORTED_ATTRS.items():
        v = getattr(cls, attr, None)
        if v is not None and v is not False and v != '' and v != {} and v != () and v != []:
            raise LmakefileError(f'{attr} is not supported by lmake-cs ({what} is not implemented)')
    backend = getattr(cls, 'backend', 'local')
    if isinstance(backend, str) and backend not in ('local', 'slurm', ''):
        raise LmakefileError(f'backend {backend!r} is not supported by lmake-cs (local and slurm are implemented)')
    compression = getattr(cls, 'compression', None)
    if compression is not None and not callable(compression):
        # (cached entries are compressed with LZ4 whatever the method and level asked: both are checked, not used)
        level = compression[1] if isinstance(compression, (tuple, list)) and len(compression) == 2 and isinstance(compression[0], str) else compression
        if isinstance(level, bool) or not isinstance(level, int) or not 0 <= level <= 22:
            raise LmakefileError(f'compression = {compression!r}: a level (an int) or a (method, level) pair is required')

def compile_rule(cls, module_globals, user_modules):
    'the JSON-able description of a rule class (see read_makefiles.py for the shape)'
    check_supported(cls)
    kind = rule_kind(cls)
    consts = constants_of(cls, module_globals)
    prio = cls.__dict__.get('prio', getattr(cls, 'prio', 0))
    if callable(prio): raise LmakefileError('prio cannot be a function (it is used for matching)')
    rule = {'kind': kind, 'prio': _scalar('prio', prio, float)}

    # targets: the single `target` (receives stdout), then `targets`, then `side_targets`
    entries = []
    single = getattr(cls, 'target', None)
    if single is not None: entries.append(('target', single, False, True))
    for attr, side in (('targets', False), ('side_targets', True)):
        d = merged_dict(cls, attr)
        if not isinstance(d, dict): raise LmakefileError(f'{attr} cannot be a function (targets are matched against file names)')
        for k, v in d.items(): entries.append((k, v, side, False))
    stems = merged_dict(cls, 'stems')
    if not isinstance(stems, dict): raise LmakefileError('stems cannot be a function')
    stems = {k: v for k, v in stems.items()}
    declared = dict(stems)   # the stems dict as written (with its bases'), before targets define theirs
    star_stems, non_star_use = set(), set()
    target_defs = {}    # stem -> the regexpr a target gave it
    targets = []
    for key, value, side, stdout in entries:
        pattern, words = _pattern_and_flags(value, f'target {key}')
        if not isinstance(pattern, str): raise LmakefileError(f'target {key}: a target pattern must be a str')
        try: parts, defs, stars = parse_pattern(pattern, key)
        except TemplateError as e: raise LmakefileError(f'target {key}: {e}') from None
        # a constant (a class attribute) used where a stem could be: substituted now
        parts = _substitute_constants(parts, stems, defs, consts)
        _check_target_name(key, pattern, parts)
        for s, r in defs.items():
            # a stem defined several times must be defined the same way each time (rules.md)
            if s in target_defs and target_defs[s] != r:
                raise LmakefileError(f'stem {s} is defined twice with different regexprs ({target_defs[s]!r} and {r!r})')
            if s in declared and declared[s] != r:
                where = 'target' if key == 'target' else f'target {key}'
                raise LmakefileError(f'stem {s} is defined as {declared[s]!r} in stems and as {r!r} in {where}: a stem defined several times must be defined the same way')
            target_defs[s] = r
            stems[s] = r
        if stdout and stars & set(parts[1::2]):
            raise LmakefileError('target: the stdout of cmd cannot be a star target (use targets)')
        star_stems |= stars
        non_star_use |= {p for p in parts[1::2] if p not in stars}
        targets.append({'key': key, 'parts': parts, 'star': bool(stars & set(parts[1::2])),
                        'flags': normalize_flags(words, TARGET_FLAGS, DEFAULT_TARGET_FLAGS + (('phony',) if kind == 'alias' else ()),
                                                 f'target {key}'),
                        'side': side, 'stdout': stdout})
    both = star_stems & non_star_use
    if both: raise LmakefileError(f'stem {sorted(both)[0]} is used both as a star stem and as a plain one')
    used = set()
    for t in targets: used |= set(t['parts'][1::2])
    for s in sorted(used):
        if s not in stems: raise LmakefileError(f'stem {s} has no regexpr (define it in stems or as {{{s}:regexpr}})')
        if not isinstance(stems[s], str): raise LmakefileError(f'stem {s}: regexpr must be a str')
        try: re.compile(stems[s])
        except re.error as e: raise LmakefileError(f'bad regexpr for stem {s} {stems[s]!r}: {e}') from None
    for t in targets:
        try: re.compile(python_regex(t['parts'], stems))
        except re.error as e: raise LmakefileError(f'target {t["key"]}: bad regexpr {pattern_text(t["parts"], star_stems)!r}: {e}') from None
    main = [t for t in targets if not t['side']]
    plain_stems = {p for p in main[0]['parts'][1::2] if p not in star_stems}
    for t in targets:
        mine = {p for p in t['parts'][1::2] if p not in star_stems}
        if (mine != plain_stems) if not t['side'] else not (mine <= plain_stems):
            raise LmakefileError(f'target {t["key"]} uses stems {sorted(mine)} but the targets of a rule share the same stems {sorted(plain_stems)}')
    rule['stems'] = {s: stems[s] for s in sorted(used)}
    rule['star_stems'] = sorted(star_stems)
    rule['targets'] = targets
    job_name = cls.__dict__.get('job_name', getattr(cls, 'job_name', None))
    if job_name is not None:
        try: jn_parts, _, jn_stars = parse_pattern(job_name)
        except TemplateError as e: raise LmakefileError(f'job_name: {e}') from None
        # it names the jobs of the targets it matches: the same static stems (rules.md, job_name)
        jn_static = {p for p in jn_parts[1::2] if p not in jn_stars and p not in star_stems}
        if jn_static != plain_stems:
            raise LmakefileError(f'job_name uses stems {sorted(jn_static)} but the targets of the rule have the static stems {sorted(plain_stems)}')
        rule['job_name'] = jn_parts
    else:
        rule['job_name'] = main[0]['parts']
    if kind in ('anti', 'source'): return rule

    # deps: the single `dep` (the job's stdin), then `deps`, then `side_deps`
    dep_entries, dynamic = [], []
    single_dep = getattr(cls, 'dep', None)
    if single_dep is not None: dep_entries.append(('dep', single_dep, False, True))
    for attr, side in (('deps', False), ('side_deps', True)):
        d = merged_dict(cls, attr)
        if not isinstance(d, dict):
            if attr == 'deps': dynamic.append('deps')
            continue
        for k, v in d.items(): dep_entries.append((k, v, side, False))
    deps = []
    star_deps = []
    for key, value, side, stdin in dep_entries:
        template, words = _pattern_and_flags(value, f'dep {key}')
        flags = normalize_flags(words, DEP_FLAGS, DEFAULT_DEP_FLAGS, f'dep {key}')
        star = star_dep_pattern(template, key)
        if star is not None:
            # a dep with a star stem (side_deps = {'A': ('a{*:.*}', 'Ignore')}): no file to make, but the flags
            # of the files the job reads that match it; a python cmd calls it with the star stems to name one
            parts, defs = star
            for s, r in defs.items(): rule['stems'].setdefault(s, r)
            star_deps.append({'key': key, 'parts': parts, 'star': True, 'flags': flags, 'side': side, 'stdout': False})
            continue
        if isinstance(template, str):
            parts = native_parts(template, plain_stems, consts)
        else:
            template, parts = None, None
        if parts is None and 'deps' not in dynamic: dynamic.append('deps')
        deps.append({'key': key, 'template': template, 'parts': parts, 'flags': flags, 'side': side, 'stdin': stdin})
    rule['deps'] = deps
    rule['star_deps'] = star_deps

    # cmd: shell strings or python functions, base class first
    chain = _cmd_chain(cls)
    kinds = {'python' if isinstance(c, types.FunctionType) else 'shell' if isinstance(c, str) else 'bad' for c in chain}
    if 'bad' in kinds: raise LmakefileError('cmd must be a str (a shell script) or a function (python)')
    if len(kinds) > 1: raise LmakefileError('cmd mixes shell strings and python functions along the class hierarchy')
    is_python = kinds == {'python'}
    rule['is_python'] = is_python
    # the job's resources are variables of its cmd and environ too (`make -j{cpu}`); known here when fixed
    resources = merged_dict(cls, 'resources')
    resource_names = {str(k) for k in resources} if isinstance(resources, dict) else set()
    names = set(plain_stems) | set(star_stems) | {t['key'] for t in targets} | {d['key'] for d in deps} | {d['key'] for d in star_deps} | resource_names
    if is_python:
        try: script = by_value.script(chain, names, user_modules, class_attrs_of(cls))
        except by_value.ByValueError as e: raise LmakefileError(str(e)) from None
        script = (cmd_prologue(cls, True) or '') + script
        rule['cmd'] = {'text': script, 'parts': [script]}
    elif chain:
        chain = shell_chain(cls)
        text = '\n'.join(chain)
        chunks = [native_parts(c, names, consts) for c in chain]
        parts = None if any(c is None for c in chunks) else _join_parts([chunks[0]] + [['\n' + c[0]] + c[1:] for c in chunks[1:]])
        if parts is None: dynamic.append('cmd')
        rule['cmd'] = {'text': text, 'parts': parts}
    else:
        rule['cmd'] = {'text': '', 'parts': ['']}

    attrs = {}
    for attr in ('shell', 'python'):
        v = getattr(cls, attr)
        if isinstance(v, (staticmethod, classmethod)): v = v.__func__
        # a function, or words that are f-strings (('interpreter{N}',)): the interpreter of each job (job_attrs)
        if callable(v) or (isinstance(v, (tuple, list)) and any(isinstance(x, str) and '{' in x for x in v)):
            dynamic.append(attr); continue
        try: attrs[attr] = interpreter(attr, v)
        except TypeError as e: raise LmakefileError(str(e)) from None
    for attr in DICT_ATTRS:
        d = merged_dict(cls, attr)
        if not isinstance(d, dict): dynamic.append(attr); continue
        out = {}
        for k, v in d.items():
            known = plain_stems if attr == 'resources' else set(plain_stems) | resource_names
            # `...`: the value of the backend's environment (PartialPlan.EnvironValue)
            p = native_parts(v, known, consts) if isinstance(v, str) else ['...'] if v is Ellipsis else None if callable(v) else [str(v)]
            if p is None: out = None; break
            out[str(k)] = p
        if out is None: dynamic.append(attr)
        else: attrs[attr] = out
    for attr, kind_ in SCALAR_ATTRS.items():
        v = getattr(cls, attr)
        if isinstance(v, (staticmethod, classmethod)): v = v.__func__
        if callable(v): dynamic.append(attr); continue
        # an f-string (autodep = '{Method}'): evaluated for each job (job_attrs)
        if kind_ is str and isinstance(v, str) and '{' in v: dynamic.append(attr); continue
        attrs[attr] = _scalar(attr, v, kind_)
    if 'autodep' not in dynamic and attrs.get('autodep') not in AUTODEP_METHODS:
        raise LmakefileError(f'autodep = {attrs.get("autodep")!r}: expected one of {", ".join(AUTODEP_METHODS)}')
    ns = namespace_attrs(cls, plain_stems, consts)
    if ns is None: dynamic.append('namespace')
    elif ns: attrs['namespace'] = ns
    rule['attrs'] = attrs
    rule['dynamic'] = dynamic
    _check_server_side(cls, dynamic, module_globals)
    return rule

NAMESPACE_PATHS = ('repo_view', 'tmp_view', 'lmake_view', 'chroot_dir')
CHROOT_ACTIONS  = ('user_name', 'resolv_conf')   # rules.md: what may be prepared in the chroot_dir's /etc

class NeedsJob(Exception):
    'a namespace attribute only a job can give (a function, an f-string of more than stems and constants)'

def namespace_attrs(cls, stems, consts):
    """The namespace of the rule's jobs (namespace_doc) when it is the same for every job but for stems; None when
    a job's values are needed (the python helper then computes it for each job: job_attrs)."""
    def text(attr, v):
        p = native_parts(v, stems, consts)
        if p is None: raise NeedsJob()
        return p
    def value(attr, v):
        if callable(v): raise NeedsJob()
        return v
    try: return namespace_doc(cls, text, value)
    except NeedsJob: return None

def namespace_doc(cls, text, value):
    """The namespace of the rule's jobs (namespaces.md): repo_view, tmp_view, lmake_view, chroot_dir as template
    parts, chroot_actions as a sorted list of names, kill_daemons (a pid namespace alone) as True, views as a list
    of {view, bind} or {view, upper, lower, copy_up}; {} when the rule asks for none. text(attr, s) gives the
    template parts of a str, value(attr, v) what an attribute is (a function's result). The names are checked by
    the server (NamespacePlanner), which knows the repo, tmp and install dirs."""
    def attribute(attr):
        v = getattr(cls, attr, None)
        if isinstance(v, (staticmethod, classmethod)): v = v.__func__
        return value(attr, v)
    def parts(attr, v):
        if not isinstance(v, str): raise LmakefileError(f'{attr} = {v!r}: expected a str')
        return text(attr, v)
    def many(attr, v):
        return [parts(attr, x) for x in (v if isinstance(v, (tuple, list)) else (v,))]
    ns = {}
    for attr in NAMESPACE_PATHS:
        v = attribute(attr)
        if v is None or v == '': continue
        ns[attr] = parts(attr, v)
    kill_daemons = attribute('kill_daemons')
    if kill_daemons is not None and not isinstance(kill_daemons, bool):
        raise LmakefileError(f'kill_daemons = {kill_daemons!r}: expected a bool')
    if kill_daemons: ns['kill_daemons'] = True
    actions = attribute('chroot_actions')
    if actions:
        if isinstance(actions, str): actions = (actions,)
        if not isinstance(actions, (tuple, list)): raise LmakefileError(f'chroot_actions = {actions!r}: expected a list or tuple')
        for a in actions:
            if a not in CHROOT_ACTIONS: raise LmakefileError(f'chroot_actions: unknown action {a!r} (known: {", ".join(CHROOT_ACTIONS)})')
        # (what they prepare is the chroot_dir's /etc: without one they have nothing to do)
        if ns.get('chroot_dir'): ns['chroot_actions'] = sorted(set(actions))
    views = merged_dict(cls, 'views')
    if not isinstance(views, dict): views = value('views', views)
    if not isinstance(views, dict): raise LmakefileError(f'views = {views!r}: expected a dict')
    out = []
    for logical, phys in views.items():
        what = f'views[{logical!r}]'
        phys = value(what, phys)
        entry = {'view': parts(what, logical)}
        if isinstance(phys, str): entry['bind'] = parts(what, phys)
        elif isinstance(phys, dict):
            unknown = set(phys) - {'upper', 'lower', 'copy_up'}
            if unknown: raise LmakefileError(f'{what}: unknown key {sorted(unknown)[0]!r} (known: upper, lower, copy_up)')
            if 'upper' not in phys or 'lower' not in phys: raise LmakefileError(f'{what}: an overlay needs both upper and lower')
            entry['upper'] = parts(what + "['upper']", phys['upper'])
            entry['lower'] = many(what + "['lower']", phys['lower'])
            if not entry['lower']: raise LmakefileError(f'{what}: an overlay needs at least one lower dir')
            entry['copy_up'] = many(what + "['copy_up']", phys.get('copy_up', ()))
        else: raise LmakefileError(f'{what} = {phys!r}: expected a str (bind) or a dict (upper, lower, copy_up: overlay)')
        out.append(entry)
    if out: ns['views'] = out
    return ns

def _server_side_values(cls, attr):
    'what the helper evaluates for attr of a job'
    if attr == 'cmd': return shell_chain(cls)
    if attr == 'deps': return [getattr(cls, 'dep', None), merged_dict(cls, 'deps'), merged_dict(cls, 'side_deps')]
    if attr in DICT_ATTRS: return merged_dict(cls, attr)
    return getattr(cls, attr, None)

def _check_server_side(cls, dynamic, module_globals):
    import lmake
    root = os.path.realpath(lmake.repo_root)
    for attr in dynamic:
        try: server_side.check(attr, _server_side_values(cls, attr), module_globals, root)
        except server_side.LocalModuleError as e: raise LmakefileError(str(e)) from None

def star_dep_pattern(template, key):
    '(parts, stem definitions) when template is a pattern with a star stem, else None'
    if not isinstance(template, str) or '*' not in template: return None
    try: parts, defs, stars = parse_pattern(template, key)
    except TemplateError: return None
    return (parts, defs) if stars else None

def interpreter(attr, v):
    'shell or python: a str or a sequence of str, the interpreter and its first arguments'
    if isinstance(v, str): v = (v,)
    if not isinstance(v, (tuple, list)) or not v or not all(isinstance(x, str) for x in v):
        raise TypeError(f'{attr} must be a tuple of str')
    return list(v)

def _substitute_constants(parts, stems, defs, consts):
    'a {name} in a pattern that is no stem but a user class attribute holding a str or number: its value'
    out = [parts[0]]
    for k in range(1, len(parts), 2):
        name = parts[k]
        if name not in stems and name not in defs and name in consts:
            out[-1] += str(consts[name]) + parts[k + 1]
        else:
            out.append(name); out.append(parts[k + 1])
    return out
