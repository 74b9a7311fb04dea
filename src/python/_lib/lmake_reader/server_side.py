# What the server computes itself for each job (f-string cmds, attributes given as functions) runs in the
# per-job helper, where the repo's own python modules cannot be imported (local dirs are out of sys.path
# there, as in open-lmake where such values are sent by value): a name that refers to such a module is an
# Lmakefile error found when the rules are read. Functions and values taken from local modules are fine: they
# are copied with the rule.
import os
import string
import types

class LocalModuleError(ValueError): pass

def _names_of(code):
    names = set(code.co_names)
    for c in code.co_consts:
        if isinstance(c, types.CodeType): names |= _names_of(c)
    return names

def is_local_module(v, root):
    'a module of the repo (not of the lmake install nor of the system)'
    if not isinstance(v, types.ModuleType): return False
    f = getattr(v, '__file__', None)
    return isinstance(f, str) and os.path.abspath(f).startswith(root + '/')

def fstring_names(template):
    'the names the {fields} of an f-string use'
    names = set()
    try: fields = list(string.Formatter().parse(template))
    except ValueError: return names
    for _, field, _, _ in fields:
        if not field: continue
        try: names |= _names_of(compile(field, '<f-string>', 'eval'))
        except SyntaxError: pass
    return names

def check(what, value, glbs, root, seen=None):
    '''raise LocalModuleError when value (an f-string or a function, computed for each job by the helper) uses
    a module of the repo, directly or through the functions it calls'''
    seen = set() if seen is None else seen
    if isinstance(value, (staticmethod, classmethod)): value = value.__func__
    if isinstance(value, str):
        names, g = fstring_names(value), glbs
    elif isinstance(value, types.FunctionType):
        if value in seen: return
        seen.add(value)
        names, g = _names_of(value.__code__), value.__globals__
    elif isinstance(value, (tuple, list)):
        for x in value: check(what, x, glbs, root, seen)
        return
    elif isinstance(value, dict):
        for x in value.values(): check(what, x, glbs, root, seen)
        return
    else: return
    for name in sorted(names):
        if name not in g: continue
        v = g[name]
        if is_local_module(v, root):
            raise LocalModuleError(f'{what} uses module {name} of the repo, which cannot be imported when the server computes it '
                                   f'(import what it needs from it instead: from {v.__name__} import ...)')
        if isinstance(v, types.FunctionType) and os.path.abspath(v.__code__.co_filename).startswith(root + '/'):
            check(what, v, g, root, seen)

def local_dirs_removed(path, root):
    'sys.path without the dirs of the repo'
    out = []
    for d in path:
        full = os.path.abspath(d or '.') if isinstance(d, str) else None
        if full is not None and (full == root or full.startswith(root + '/')): continue
        out.append(d)
    return out
