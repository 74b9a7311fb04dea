# The one exception type that reports a mistake in Lmakefile.py: read_makefiles.py prints it as
# "FILE:LINE: rule NAME: message" and exits 8, without a Python traceback.
import os
import sys

class LmakefileError(Exception):
    def __init__(self, message, file=None, line=None, rule=None):
        super().__init__(message)
        self.message = message
        self.file = file
        self.line = line
        self.rule = rule

    def where(self):
        loc = ''
        if self.file: loc = f'{self.file}:{self.line}: ' if self.line else f'{self.file}: '
        if self.rule: loc += f'rule {self.rule}: '
        return loc + self.message

    __str__ = where

def user_frame(depth=2):
    '(file, line) of the innermost frame that is not in the lmake package: where the user wrote the faulty code'
    here = os.path.dirname(os.path.abspath(__file__))
    f = sys._getframe(depth)
    while f is not None and os.path.dirname(os.path.abspath(f.f_code.co_filename)) == here: f = f.f_back
    if f is None: return None, None
    return f.f_code.co_filename, f.f_lineno
