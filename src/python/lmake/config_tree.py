# ConfigRule's tree: a configuration (a python value in NAME.py) spread over files, one per node
# (NAME.config_dict/a/b/__value__ holds repr(config['a']['b'])), and lmake.config_dict(NAME), the lazy view a
# job reads it through, so a job depends only on the nodes it calls.
import ast
import os

TREE_SUFFIX = '.config_dict'
VALUE_FILE  = '__value__'

def tree_dir(module):
    'the folder of the tree of module (a dotted module name or a path without .py)'
    return module.replace('.', '/') + TREE_SUFFIX if not module.endswith('.py') else module[:-3] + TREE_SUFFIX

def _write(path, value):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'w') as f: f.write(repr(value) + '\n')

def _children(value):
    if isinstance(value, dict): return [(str(k), v) for k, v in value.items()]
    if isinstance(value, (list, tuple)): return [(str(i), v) for i, v in enumerate(value)]
    return []

def write_tree(module):
    'run in the ConfigRule job: read module.py, write one file per node of its variable of the same name'
    src = module + '.py'
    glbs = {'__file__': src, '__name__': os.path.basename(module)}
    with open(src) as f: exec(compile(f.read(), src, 'exec'), glbs)
    name = os.path.basename(module)
    if name not in glbs: raise NameError(f'{src} defines no variable {name!r}')
    todo = [(tree_dir(module), glbs[name])]
    while todo:
        d, value = todo.pop()
        _write(os.path.join(d, VALUE_FILE), value)
        for k, v in _children(value):
            if '/' in k or k in ('', '.', '..', VALUE_FILE): raise KeyError(f'config key {k!r} cannot name a file')
            todo.append((os.path.join(d, k), v))

class ConfigNode:
    'one node of a config tree: node.a, node["a"] and node[0] are its children, node() its value'
    __slots__ = ('_dir',)

    def __init__(self, d): object.__setattr__(self, '_dir', d)

    def __getitem__(self, key): return ConfigNode(os.path.join(self._dir, str(key)))

    def __getattr__(self, key):
        if key.startswith('__'): raise AttributeError(key)
        return self[key]

    def __call__(self):
        path = os.path.join(self._dir, VALUE_FILE)
        try:
            with open(path) as f: text = f.read()
        except FileNotFoundError:
            # the tree may not be built yet: the job fails, and as the missing file is a dep it reruns once built
            raise KeyError(f'no config entry {path}') from None
        return ast.literal_eval(text)

    def __repr__(self): return f'ConfigNode({self._dir!r})'
