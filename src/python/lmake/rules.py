# The rule classes an Lmakefile.py derives from. Every class statement deriving from them is recorded
# (with its file and line) so the reader sees every rule, including two with the same name.
import signal
import sys

from ._errors import user_frame

# Every class deriving from _RuleBase, in definition order: (class, file, line).
defined_classes = []

class _RuleBase:
    '''The attributes every rule has, with their defaults. Dict attributes merge along the class hierarchy
    (None removes an inherited entry, '...' in a value stands for the inherited value).'''
    def __init_subclass__(cls, **kwds):
        super().__init_subclass__(**kwds)
        file, line = user_frame(2)
        defined_classes.append((cls, file, line))

    # matching
    prio         = 0
    stems        = {}
    targets      = {}
    side_targets = {}
    deps         = {}
    side_deps    = {}
    # job_name   : by default, the first target pattern

class Rule(_RuleBase):
    'a rule that runs cmd (a str: a shell script; a function: python) to make its targets'
    shell              = ('/bin/bash',)
    python             = (sys.executable or 'python3',)
    environ            = {}
    environ_resources  = {}
    environ_ancillary  = {}
    autodep            = 'ld_preload'
    auto_mkdir         = False
    readdir_ok         = False
    stderr_ok          = False
    keep_tmp           = False
    timeout            = None                      # seconds
    kill_sigs          = (signal.SIGKILL,)
    start_delay        = 3
    max_stderr_len     = 100
    use_script         = False
    force              = False
    backend            = 'local'
    resources          = {'cpu': 1}
    cache              = None
    max_runs           = 0                         # 0: no limit
    max_submits        = 10
    max_retries_on_lost = 1
    retried_errors     = False

class PyRule(Rule):
    'a Rule whose python is tuned for dependency tracking: .pyc files are ignored, imports are deps'
    environ_ancillary = {'PYTHONDONTWRITEBYTECODE': '1'}

class AliasRule(Rule):
    'phony targets: the job is rerun each time they are asked for'

class AntiRule(_RuleBase):
    'names matching its targets cannot be built'

class SourceRule(_RuleBase):
    'names matching its targets are sources'

# Alternative spellings found in open-lmake Lmakefiles.
HomelessRule = Rule
DirtyRule    = Rule
RustRule     = Rule

__all__ = ['Rule', 'PyRule', 'AliasRule', 'AntiRule', 'SourceRule', 'HomelessRule', 'DirtyRule', 'RustRule']
