# A dict whose keys are also attributes (lmake.config.backends.local.cpu): what open-lmake calls pdict.
class pdict(dict):
    'dict with attribute access to its keys; nested plain dicts given at construction become pdicts'

    @classmethod
    def mk_deep(cls, value):
        if isinstance(value, dict): return cls({k: cls.mk_deep(v) for k, v in value.items()})
        if isinstance(value, (list, tuple)): return type(value)(cls.mk_deep(v) for v in value)
        return value

    def __getattr__(self, name):
        try: return self[name]
        except KeyError: raise AttributeError(name) from None

    def __setattr__(self, name, value): self[name] = value

    def __delattr__(self, name):
        try: del self[name]
        except KeyError: raise AttributeError(name) from None
