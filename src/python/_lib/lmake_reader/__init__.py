# The parts of read_makefiles.py: patterns and f-strings (templates), python cmds by value (by_value),
# rule classes to JSON (rule_compiler), what the Lmakefile read (reads), and the per-job helper (job_attrs).
