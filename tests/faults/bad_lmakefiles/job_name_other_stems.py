# expect: Lmakefile.py:3: ... job_name uses stems ['Y'] but the targets of the rule have the static stems ['X']
from lmake.rules import Rule
class Report(Rule):
    target   = r"report{X:\d+}"
    job_name = r"make_report{Y:\d+}"
    cmd      = ""
