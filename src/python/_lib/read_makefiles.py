# Runs Lmakefile.py and prints what it defines as ONE JSON document on stdout, for lmakeserver
# (src/lmakeserver/Rules/Makefiles.cs reads it). With --serve, stays up as the per-job attribute helper.
#
# usage: python3 _lib/read_makefiles.py REPO_ROOT [--serve] [--user-environ-stdin]
#   --user-environ-stdin: the first line of stdin is a JSON object, lmake.user_environ (the environment of
#   the lmake command); without it, lmake.user_environ is the reader's own environment
#   exit 0: the document on stdout; notes (keys accepted but without effect yet) on stderr
#   exit 8: the Lmakefile is broken: one line "FILE:LINE: rule NAME: message" on stderr, nothing on stdout
#
# The document:
# {
#   "version": 1,
#   "lmakefile": "Lmakefile.py",
#   "config":  { every key of lmake.config, defaults merged under what the Lmakefile set },
#   "config_set": ["path_max", ...],            # keys the Lmakefile set itself
#   "sources": ["Lmakefile.py", "hello.c", ...], # repo-relative file names, canonical
#   "source_dirs": [".git/", "/usr/include/"],  # names ending in '/', relative or absolute
#   "sources_origin": "manifest" | "Manifest" | "git",
#   "rules": [ {                                # in definition order
#       "name": "Compile", "file": "Lmakefile.py", "line": 5,
#       "kind": "plain" | "alias" | "anti" | "source", "prio": 0.0,
#       "stems": {"File": ".*"},                # Python regexpr of every stem the targets use
#       "star_stems": ["N"],
#       "targets": [ {"key": "OBJ", "parts": ["", "File", ".o"], "star": false,
#                     "flags": ["essential"], "side": false, "stdout": false} ],
#       "job_name": ["", "File", ".o"],
#     -- the rest only for kinds plain and alias --
#       "is_python": false,
#       "deps": [ {"key": "SRC", "template": "{File}.c", "parts": ["", "File", ".c"] | null,
#                  "flags": ["essential", "required"], "side": false, "stdin": false} ],
#       "cmd": {"text": "gcc -c -o {OBJ} {SRC}", "parts": ["gcc -c -o ", "OBJ", " ", "SRC", ""] | null},
#       "attrs": {"shell": ["/bin/bash"], "python": ["/usr/bin/python3"], "environ": {"K": parts}, ...,
#                 "autodep": "ld_preload", "timeout": null, "kill_sigs": [9], ... every scalar attribute},
#       "dynamic": ["deps", "cmd", "timeout", ...]   # computed per job by the --serve helper
#   } ],
#   "reads": {"files": ["/abs/Lmakefile.py", ...], "environ": {"NAME": "value" | null},
#             "user_environ": {"NAME": "value" | null}}   # what it read of lmake.user_environ
# }
# "parts" lists alternate literal text (even indexes) and names (odd indexes: stems in patterns; stems,
# targets and deps in f-strings), so the server substitutes them without Python. A python cmd's
# cmd.text is a complete script but for the lines that define the job's stems, targets and deps.
#
# --serve protocol: after the Lmakefile ran, one request a line on stdin:
#   {"rule": INDEX, "name": "Compile", "stems": {...}, "targets": {...}, "deps": {...}, "want": ["deps", "cmd", ...]}
# and one answer a line on stdout: {"deps": {KEY: {"name": str|null, "flags": [...]|null}}, "cmd": str,
#   "attrs": {same shape as a rule's attrs}} or {"error": "message"}.
import json
import os
import re
import sys

LIB_DIR = os.path.dirname(os.path.abspath(__file__))
INSTALL_ROOT = os.path.dirname(LIB_DIR)
USER_LIB = os.path.join(INSTALL_ROOT, 'lib')
BAD_LMAKEFILE = 8

sys.dont_write_bytecode = True
sys.path.insert(1, USER_LIB)
from lmake_reader import job_attrs, rule_compiler, server_side
from lmake_reader.reads import ReadLog, RecordingDict
# the Lmakefile sees lmake's lib/, not our _lib/
_ours = {os.path.realpath(LIB_DIR), os.path.realpath(USER_LIB)}
sys.path = [USER_LIB] + [p for p in sys.path if os.path.realpath(p or '.') not in _ours]

import lmake
import lmake.rules
import lmake.sources
from lmake._config import NOT_YET_EFFECTIVE, check_and_merge
from lmake._errors import LmakefileError

def fail(message):
    sys.stderr.write(message.rstrip('\n') + '\n')
    sys.stderr.flush()
    os._exit(BAD_LMAKEFILE)

def rel(path, root):
    path = os.path.abspath(path) if path else path
    return os.path.relpath(path, root) if path and path.startswith(root + '/') else path

def lmakefile_path(root):
    if os.path.isfile(os.path.join(root, 'Lmakefile.py')): return os.path.join(root, 'Lmakefile.py')
    init = os.path.join(root, 'Lmakefile', '__init__.py')
    if os.path.isfile(init): return init
    fail(f'{root}: no Lmakefile.py')

def run_lmakefile(root, path):
    'execute the Lmakefile as module Lmakefile; a mistake in it ends the process with exit code 8'
    import importlib.util
    name = 'Lmakefile'
    try:
        with open(path, 'rb') as f: source = f.read()
        code = compile(source, path, 'exec')
    except SyntaxError as e:
        fail(f'{rel(e.filename or path, root)}:{e.lineno}: syntax error: {e.msg}')
    spec = importlib.util.spec_from_file_location(name, path,
        submodule_search_locations=[os.path.dirname(path)] if path.endswith('__init__.py') else None)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    guarded(lambda: exec(code, module.__dict__), root, path)
    return module

SECTIONS = ('config', 'sources', 'rules')

def run_sections(root, path, module):
    '''each section (config, sources, rules) that the Lmakefile gives as a callable of that name or as a
    sub-module Lmakefile.NAME (when Lmakefile is a package) is run now; such a section replaces what the
    Lmakefile itself said for it (for rules: the rule classes it defined are dropped)'''
    import importlib.util
    for section in SECTIONS:
        n_classes = len(lmake.rules.defined_classes)
        value = module.__dict__.get(section)
        if callable(value) and not isinstance(value, type):
            guarded(value, root, path)
        elif f'{module.__name__}.{section}' in sys.modules:
            continue                                # the Lmakefile imported it itself: already run, with the rest
        elif hasattr(module, '__path__') and importlib.util.find_spec(f'{module.__name__}.{section}') is not None:
            guarded(lambda: importlib.import_module(f'{module.__name__}.{section}'), root, path)
        else:
            continue
        if section == 'rules': del lmake.rules.defined_classes[:n_classes]

def guarded(run, root, path):
    'run a part of the Lmakefile; a mistake in it ends the process with exit code 8 and one line FILE:LINE'
    try:
        run()
    except LmakefileError as e:
        if e.file: e.file = rel(e.file, root)
        fail(e.where())
    except SyntaxError as e:                        # in a module the Lmakefile imported
        fail(f'{rel(e.filename or path, root)}:{e.lineno}: syntax error: {e.msg}')
    except BaseException as e:
        fail(f'{user_location(e, root, path)}: {type(e).__name__}: {e}')

def user_location(exc, root, lmakefile):
    'FILE:LINE of the innermost frame of the traceback in the repo (the Lmakefile or what it imported)'
    best = f'{rel(lmakefile, root)}'
    tb = exc.__traceback__
    while tb is not None:
        f = os.path.abspath(tb.tb_frame.f_code.co_filename)
        if f.startswith(root + '/'): best = f'{rel(f, root)}:{tb.tb_lineno}'
        tb = tb.tb_next
    return best

def line_of(root, path, regexpr):
    'the first line of the Lmakefile matching regexpr (for values assigned wholesale, e.g. lmake.manifest)'
    try:
        with open(path) as f:
            for i, l in enumerate(f, 1):
                if re.search(regexpr, l): return i
    except OSError: pass
    return None

def check_canonical(name):
    '''None when name is a canonical file or dir (no ., .., // components; a dir outside the repo may start
    with ../ components), else why not'''
    if not isinstance(name, str): return f'{name!r} is not a str'
    if not name: return 'empty name'
    body = name[:-1] if name.endswith('/') else name
    if body.startswith('/'): body = body[1:]
    if not body: return None if name == '/' else 'empty name'
    comps = body.split('/')
    if name.endswith('/') and not name.startswith('/'):
        while comps and comps[0] == '..': comps = comps[1:]
        if not comps: return None                                     # '../': a dir above the repo
    for c in comps:
        if c in ('', '.', '..'): return 'not canonical (no ".", ".." or "//" allowed)'
    return None

def collect_sources(root, lmakefile, log):
    rel_lmakefile = rel(lmakefile, root)
    if lmake.manifest is not None:
        where = (rel_lmakefile, line_of(root, lmakefile, r'\bmanifest\s*=') or 1)
        names, origin = lmake.manifest, 'manifest'
        if isinstance(names, str) or not hasattr(names, '__iter__'):
            fail(f'{where[0]}:{where[1]}: lmake.manifest must be a tuple of names, not {type(names).__name__}')
        names = [(n, where) for n in names]
    elif os.path.isfile(os.path.join(root, 'Manifest')):
        names, origin = [], 'Manifest'
        with open(os.path.join(root, 'Manifest')) as f:
            for i, l in enumerate(f, 1):
                l = l.split('#', 1)[0].strip()
                if l: names.append((l, ('Manifest', i)))
        if 'Manifest' not in [n for n, _ in names]: names.append(('Manifest', ('Manifest', 1)))
    else:
        log.files.setdefault(os.path.join(root, 'Manifest'), None)      # creating it changes the sources
        try: got = lmake.sources.git_sources()
        except FileNotFoundError:
            fail(f'{rel_lmakefile}: no sources: set lmake.manifest, write a Manifest file or use git')
        except LmakefileError as e: fail(f'{rel_lmakefile}: {e.message}')
        names, origin = [(n, (rel_lmakefile, 1)) for n in got], 'git'
        log.files.setdefault(os.path.join(root, '.git', 'index'), None)
    extra = lmake.extra_manifest or ()
    where = (rel_lmakefile, line_of(root, lmakefile, r'\bextra_manifest\s*=') or 1)
    names += [(n, where) for n in extra]
    files, dirs, seen = [], [], set()
    for n, (f, l) in names:
        why = check_canonical(n)
        if why: fail(f'{f}:{l}: source {n!r}: {why}')
        if n.startswith(root + '/'): n = n[len(root) + 1:]          # an absolute name inside the repo
        if n in seen: continue
        seen.add(n)
        (dirs if n.endswith('/') else files).append(n)
    return files, dirs, origin

def compile_rules(root, module):
    rules, classes, first_def = [], [], {}
    user_modules = {'__main__'} | {m for m in sys.modules if m == 'Lmakefile' or m.startswith('Lmakefile.')}
    for cls, file, line in lmake.rules.defined_classes:
        file = rel(file, root) if file else rel(module.__file__, root)
        name = cls.__dict__.get('name') or cls.__name__
        try: base = rule_compiler.is_base(cls)
        except LmakefileError as e: fail(f'{file}:{line}: rule {name}: {e.message}')
        if base: continue
        if name in first_def:
            f0, l0 = first_def[name]
            fail(f'{file}:{line}: rule {name}: duplicate rule name (first defined at {f0}:{l0})')
        first_def[name] = (file, line)
        try:
            rule = rule_compiler.compile_rule(cls, sys.modules[cls.__module__].__dict__, user_modules)
        except LmakefileError as e:
            fail(f'{file}:{line}: rule {name}: {e.message}')
        except Exception as e:
            fail(f'{file}:{line}: rule {name}: {type(e).__name__}: {e}')
        rules.append(dict(name=name, file=file, line=line, **rule))
        classes.append(cls)
    return rules, classes

def main(argv):
    if len(argv) < 2 or argv[1] in ('-h', '--help'):
        sys.stderr.write('usage: read_makefiles.py REPO_ROOT [--serve]\n')
        return 11
    root = os.path.realpath(argv[1])
    serve = '--serve' in argv[2:]
    # the environment of the lmake command (lmake.user_environ) comes as the first line of stdin: the server's
    # own environment is the one of whichever lmake started it
    user_environ = os.environ
    if '--user-environ-stdin' in argv[2:]:
        line = sys.stdin.readline()
        try: user_environ = {k: v for k, v in json.loads(line).items() if v is not None}
        except ValueError: pass
    os.chdir(root)
    sys.path.insert(1, root)
    lmake.repo_root = lmake.top_repo_root = root
    log = ReadLog([sys.prefix, sys.base_prefix, sys.exec_prefix, INSTALL_ROOT, '/dev', '/proc', '/sys'])
    lmake.user_environ = RecordingDict(user_environ, log)
    lmakefile = lmakefile_path(root)
    # Our stdout carries the document (or the helper's answers): whatever the Lmakefile prints, itself or
    # through a sub-process, goes to stderr instead.
    out = os.fdopen(os.dup(1), 'w', encoding='utf-8')
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    log.install()
    module = run_lmakefile(root, lmakefile)
    run_sections(root, lmakefile, module)
    rules, classes = compile_rules(root, module)
    if serve:
        log.active = False
        # what the helper computes for jobs cannot import the repo's modules (server_side.py): as in the server
        sys.path[:] = server_side.local_dirs_removed(sys.path, root)
        out.write(json.dumps({'ready': len(classes)}) + '\n')
        out.flush()
        job_attrs.serve(classes, sys.stdin, out, log)
        return 0
    try: config = check_and_merge(lmake.config)
    except LmakefileError as e:
        if e.file and e.line: fail(f'{rel(e.file, root)}:{e.line}: {e.message}')
        config_key = getattr(e, 'config_key', None)
        key = re.search(r"'(\w+)'", e.message)
        line = line_of(root, lmakefile, r'\bconfig\b.*\b' + config_key + r'\b') if config_key else None
        if line is None and key: line = line_of(root, lmakefile, r'\b' + key.group(1) + r'\b')
        fail(f'{rel(lmakefile, root)}:{line or 1}: {e.message}')
    config_set = sorted(lmake.config.user_set_keys()) if hasattr(lmake.config, 'user_set_keys') else sorted(config)
    sources, source_dirs, origin = collect_sources(root, lmakefile, log)
    log.active = False
    for key in config_set:
        # link_support: 'full' is what lmake-cs does, 'full_ext' follows links outside the repo too
        if key == 'link_support' and config.get(key) in ('full', 'full_ext'): continue
        if key in NOT_YET_EFFECTIVE: sys.stderr.write(f'note: lmake.config.{key} is accepted but has no effect yet\n')
    doc = {
        'version': 1,
        'lmakefile': rel(lmakefile, root),
        'config': config,
        'config_set': config_set,
        'sources': sources,
        'source_dirs': source_dirs,
        'sources_origin': origin,
        'rules': rules,
        'reads': {'files': [f for f in log.files if not f.startswith(LIB_DIR + '/')], 'environ': log.environ,
                  'user_environ': log.user_environ},
    }
    out.write(json.dumps(doc, indent=None, separators=(',', ':')) + '\n')
    out.flush()
    return 0

if __name__ == '__main__':
    try:
        code = main(sys.argv)
    except SystemExit: raise
    except BaseException as e:                      # a bug of ours: still one line, never a traceback
        sys.stderr.write(f'read_makefiles.py: internal error: {type(e).__name__}: {e}\n')
        code = 2
    sys.stdout.flush()
    os._exit(code)
