# Python cmds go to the job by value: the source of the cmd functions plus, recursively, the globals they
# use (functions of the Lmakefile by source, modules and imported names by import, plain data by repr).
import builtins
import inspect
import os
import sys
import textwrap
import types

class ByValueError(ValueError): pass

_PLAIN = (type(None), bool, int, float, complex, str, bytes)

def _is_plain(v, depth=0):
    if isinstance(v, _PLAIN): return True
    if depth > 20: return False
    if isinstance(v, (tuple, list, set, frozenset)): return all(_is_plain(x, depth + 1) for x in v)
    if isinstance(v, dict): return all(_is_plain(k, depth + 1) and _is_plain(x, depth + 1) for k, x in v.items())
    return False

_BASES = (dict, list, tuple, frozenset, set)

def _builtin_only(v):
    'v and what it contains are of builtin types only (repr rebuilds it)'
    if type(v) in (dict,): return all(_builtin_only(k) and _builtin_only(x) for k, x in v.items())
    if type(v) in (list, tuple, set, frozenset): return all(_builtin_only(x) for x in v)
    return type(v) in _PLAIN

def _expr(v, imports):
    '''python source that rebuilds plain data v; a container of a library type derived from a builtin one
    (lmake.pdict, collections.OrderedDict) is rebuilt by that type, imported in the job'''
    if _builtin_only(v): return repr(v)
    base = next((b for b in _BASES if isinstance(v, b)), None)
    if base is None: return repr(v)
    if base is dict: text = '{' + ', '.join(f'{_expr(k, imports)}: {_expr(x, imports)}' for k, x in v.items()) + '}'
    else:
        items = [_expr(x, imports) for x in v]
        text = '[' + ', '.join(items) + ']'
        if base is not list: text = f'{base.__name__}({text})'
    t = type(v)
    if t is base or t.__module__ in ('Lmakefile', '__main__') or '.' in t.__qualname__ or '<' in t.__qualname__: return text
    alias = f'_lmake_{t.__module__.replace(".", "_")}_{t.__qualname__}'
    line = f'from {t.__module__} import {t.__qualname__} as {alias}'
    if line not in imports: imports.append(line)
    return f'{alias}({text})'

def _names_of(code):
    names = set(code.co_names)
    for c in code.co_consts:
        if isinstance(c, types.CodeType): names |= _names_of(c)
    return names

def _source_of(obj):
    try: return textwrap.dedent(inspect.getsource(obj))
    except (OSError, TypeError) as e: raise ByValueError(f'cannot get the source of {getattr(obj, "__name__", obj)!r}: {e}') from None

def _located_source_of(f):
    '''The source of a function, to be defined in the job where it was in the Lmakefile: its file name and line
    numbers kept, so that a traceback in the job shows the lines of the Lmakefile (reading it, as python does).'''
    src = _source_of(f)
    try: first = inspect.getsourcelines(f)[1]
    except (OSError, TypeError): return src
    file = f.__code__.co_filename
    if os.path.isabs(file) and file.startswith(os.getcwd() + os.sep): file = os.path.relpath(file)
    if first <= 1 or not file or file.startswith('<'): return src
    padded = '\n' * (first - 1) + src
    return f'exec(compile({padded!r}, {file!r}, "exec"))\n'

def _defined_by_user(obj, user_modules):
    return getattr(obj, '__module__', None) in user_modules

def script(funcs, skip_names, user_modules, class_attrs={}):
    '''The python cmd but its first lines (stems, targets and deps as globals, added for each job): imports and
    plain globals, the functions they use, each cmd function bound to a private name (chained cmds share the
    name cmd), then the calls, base class first. skip_names: the names the job defines.
    user_modules: the modules whose functions are sent by source (the Lmakefile); others are imported.
    class_attrs: the rule's own attributes, visible to the cmd as globals.'''
    imports, assigns, helper_defs, cmd_defs = [], [], [], []
    done = set(skip_names)
    todo = list(funcs)
    for i, f in enumerate(funcs):
        cmd_defs.append(_located_source_of(f).rstrip('\n') + f'\n_lmake_cmd_{i} = {f.__name__}\n')
    while todo:
        f = todo.pop(0)
        for name in sorted(_names_of(f.__code__)):
            if name in done: continue
            done.add(name)
            glbs = f.__globals__
            if name not in glbs:
                # a class attribute of the rule (users keep helpers there), else a builtin or an attribute name
                if name in class_attrs and _is_plain(class_attrs[name]): assigns.append(f'{name} = {_expr(class_attrs[name], imports)}')
                continue
            v = glbs[name]
            if isinstance(v, types.ModuleType):
                imports.append(f'import {name}' if v.__name__ == name else f'import {v.__name__} as {name}')
            elif isinstance(v, types.FunctionType) and _defined_by_user(v, user_modules):
                src = _located_source_of(v).rstrip('\n') + '\n'
                helper_defs.append(src if v.__name__ == name else src + f'{name} = {v.__name__}\n')
                todo.append(v)
            elif isinstance(v, type) and _defined_by_user(v, user_modules):
                helper_defs.append(_source_of(v))
            elif _is_plain(v):
                assigns.append(f'{name} = {_expr(v, imports)}')
            elif getattr(v, '__module__', None) and getattr(v, '__qualname__', None) \
                    and v.__module__ not in user_modules and '.' not in v.__qualname__:
                q = v.__qualname__
                imports.append(f'from {v.__module__} import {q}' + ('' if q == name else f' as {name}'))
            elif getattr(builtins, name, None) is v:
                pass
            else:
                raise ByValueError(f'cmd uses global {name!r} ({type(v).__name__}) that cannot be sent to the job by value')
    calls = [f'_lmake_cmd_{i}()' for i in range(len(funcs))]
    return '\n'.join(imports + assigns + [''] + helper_defs + cmd_defs + calls) + '\n'
