# lmake.utils: helpers an Lmakefile may import by this name (from lmake.utils import pdict).
from ._pdict import pdict
from . import multi_strip

__all__ = ['pdict', 'multi_strip']
