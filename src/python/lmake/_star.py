# The value a job sees for a star target (in a python cmd, or an f-string computed for the job): its pattern
# as a str, and callable with the star stems to name one of its files: DUT('a'), TGT(N='3').
import re

_STAR = re.compile(r'\{(\w+)\*\}')

class StarTarget(str):
    'a star target: str(self) is its pattern ({Stem*} for each star stem); self(*values, **by_name) a file name'
    def __call__(self, *args, **kwds):
        names = list(dict.fromkeys(_STAR.findall(self)))
        if len(args) > len(names): raise TypeError(f'{self!r} has {len(names)} star stem(s), {len(args)} values given')
        values = dict(zip(names, args))
        for k, v in kwds.items():
            if k not in names: raise TypeError(f'{self!r} has no star stem {k}')
            values[k] = v
        missing = [n for n in names if n not in values]
        if missing: raise TypeError(f'{self!r}: no value for star stem {missing[0]}')
        return _STAR.sub(lambda m: str(values[m.group(1)]), str(self))
