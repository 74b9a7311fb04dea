# A small project for ci_noop_check.sh: a text generated from a template and a value, and an alias `all`.
import lmake
from lmake.rules import Rule

lmake.manifest = ('Lmakefile.py', 'ci_noop_check.sh', 'greeting.tmpl', 'name.txt')

class Render(Rule):
    target = 'greeting.txt'
    deps   = {'TMPL': 'greeting.tmpl', 'NAME': 'name.txt'}
    cmd    = 'sed "s/@NAME@/$(cat {NAME})/" {TMPL}'

class Upper(Rule):
    target = r'{File:.*}.upper'
    deps   = {'IN': '{File}.txt'}
    cmd    = "tr a-z A-Z < {IN}"

class All(Rule):
    target = 'all'
    deps   = {'G': 'greeting.txt', 'U': 'greeting.upper'}
    cmd    = 'cat {G} {U}'
