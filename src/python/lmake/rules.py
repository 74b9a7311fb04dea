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
    check_abs_paths    = False
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
    retried_errors     = ()                        # the error kinds retried beyond the default ones ('-timeout': not it)

class Py3Rule(Rule):
    'a Rule whose python is tuned for dependency tracking: .pyc files are ignored, imports are deps'
    environ_ancillary = {'PYTHONDONTWRITEBYTECODE': '1'}

PyRule = Py3Rule

class Py2Rule(Py3Rule):
    'a PyRule run by python2'
    python = ('python2',)

class AliasRule(Rule):
    'phony targets: the job is rerun each time they are asked for'

class AntiRule(_RuleBase):
    'names matching its targets cannot be built'

class SourceRule(_RuleBase):
    'names matching its targets are sources'

# Helper bases: each is its own class (not an alias of Rule) so that a rule may derive from several of them,
# e.g. class R(HomelessRule, PyRule): a class listed twice in a hierarchy has no consistent method order.

class HomelessRule(Rule):
    "$HOME is the job's $TMPDIR, as if each tool ran for the first time (by default $HOME is the repo root)"
    _home_is_tmpdir = True

class DirtyRule(Rule):
    'meant to ignore writes to files that are no official target (lmake-cs: a plain Rule so far)'

class RustRule(Rule):
    'runs rust executables: their link mechanism needs the ld_preload autodep method'
    autodep = 'ld_preload'

class TraceRule(Rule):
    "shell cmds run with -x and their trace goes to stdout (the job's log, lshow -o) rather than stderr"
    shell   = Rule.shell + ('-x',)
    environ = {'BASH_XTRACEFD': '1'}

class ConfigRule(PyRule):
    '''Expands the variable NAME of the python file NAME.py (a dict, list...) into the tree NAME.config_dict/,
    one file per node, so that a job reading lmake.config_dict(NAME).a.b() depends on that node only.
    Virtual: derive a rule from it (class MyConfig(ConfigRule): pass).'''
    virtual = True
    targets = {
        'CONFIG_ROOT': r'{ConfigModule:(?:(?!\.config_dict/).)+}.config_dict/__value__',
        'CONFIG_TREE': '{ConfigModule}.config_dict/{ConfigKey*:.+}/__value__',
    }
    deps = {'CONFIG_PY': '{ConfigModule}.py'}
    def cmd():
        from lmake.config_tree import write_tree
        write_tree(ConfigModule)

__all__ = ['Rule', 'PyRule', 'Py2Rule', 'Py3Rule', 'AliasRule', 'AntiRule', 'SourceRule', 'HomelessRule', 'DirtyRule',
           'RustRule', 'TraceRule', 'ConfigRule']
