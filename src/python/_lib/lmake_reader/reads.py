# What the Lmakefile looked at: files it opened (an audit hook sees every open, imports included) and
# environment variables it read, so the server reruns the reader only when one of them changed.
import os
import sys

class ReadLog:
    def __init__(self, ignored_dirs):
        self.files = {}                 # absolute path -> None (insertion order kept)
        self.environ = {}               # name -> value seen (None: unset)
        self.user_environ = {}          # the same for lmake.user_environ (the environment of the lmake command)
        self.ignored = tuple(d.rstrip('/') + '/' for d in ignored_dirs if d)
        self.active = False

    def hook(self, event, args):
        if not self.active or event != 'open': return
        path = args[0]
        if isinstance(path, bytes): path = os.fsdecode(path)
        if not isinstance(path, str): return
        path = os.path.abspath(path)
        if path.startswith(self.ignored) or '/__pycache__/' in path: return
        self.files.setdefault(path, None)

    def saw_env(self, name, value):
        if self.active: self.environ.setdefault(name, value)

    def saw_user_env(self, name, value):
        if self.active: self.user_environ.setdefault(name, value)

    def install(self):
        sys.addaudithook(self.hook)
        os.environ = _RecordingEnviron(os.environ, self)
        self.active = True

class _RecordingEnviron(type(os.environ)):
    'os.environ that notes every variable looked up'
    def __init__(self, base, log):
        super().__init__(base._data, base.encodekey, base.decodekey, base.encodevalue, base.decodevalue)
        self._log = log
    def __getitem__(self, key):
        try: value = super().__getitem__(key)
        except KeyError:
            self._log.saw_env(key, None)
            raise
        self._log.saw_env(key, value)
        return value
    def __contains__(self, key):
        try: self[key]
        except KeyError: return False
        return True

class RecordingDict(dict):
    'lmake.user_environ: a dict that notes every variable looked up, also as attributes (user_environ.HOME)'
    def __init__(self, base, log):
        super().__init__(base)
        self._log = log
    def __getitem__(self, key):
        value = dict.get(self, key)
        self._log.saw_user_env(key, value)
        if value is None: raise KeyError(key)
        return value
    def get(self, key, default=None):
        value = dict.get(self, key)
        self._log.saw_user_env(key, value)
        return default if value is None else value
    def __contains__(self, key):
        return self.get(key) is not None
    def __getattr__(self, name):
        if name.startswith('_'): raise AttributeError(name)
        try: return self[name]
        except KeyError: raise AttributeError(f'user_environ has no variable {name}') from None
