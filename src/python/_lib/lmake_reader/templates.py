# Target patterns ('{File:.*}.o', '{N*:\d+}') and f-string templates ('{File}.c', '{dec(Digit)}'), cut into
# parts the server substitutes natively: [literal, name, literal, name, ..., literal] (odd entries are names).
import re
import string

class TemplateError(ValueError): pass

_IDENT = re.compile(r'[A-Za-z_]\w*\Z')
UNNAMED_PREFIX = '_lmake_stem'     # the names of unnamed stems: _lmake_stem0, _lmake_stem_star_KEY_0... (shown as {} or {*})

def parse_pattern(text, owner=''):
    '''Cut a target pattern into (parts, inline stem definitions {name: regexpr}, star stem names).
    {Name:regexpr} defines a stem inline, {Name*...} is a star stem, {{ and }} are literal braces.
    An unnamed stem ({:regexpr}, {*:regexpr}) must be defined where it is; it is named by its position
    among the unnamed (star or plain) stems of the pattern, which ties it to the stem at the
    same position in the rule's other targets; an unnamed star stem is the pattern's own (owner: a name
    unique in the rule, the target's key).'''
    parts, lit, defs, stars = [], [], {}, set()
    n_unnamed = {False: 0, True: 0}    # unnamed plain stems, unnamed star stems
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == '{' and text.startswith('{{', i): lit.append('{'); i += 2; continue
        if c == '}' and text.startswith('}}', i): lit.append('}'); i += 2; continue
        if c == '}': raise TemplateError(f'single }} at offset {i} in {text!r} (write }}}} for a literal brace)')
        if c != '{': lit.append(c); i += 1; continue
        depth, j = 1, i + 1
        while j < n and depth:
            if text[j] == '\\': j += 2; continue
            if text[j] == '{': depth += 1
            elif text[j] == '}': depth -= 1
            j += 1
        if depth: raise TemplateError(f'unbalanced {{ at offset {i} in {text!r}')
        field = text[i + 1:j - 1]
        name, sep, regexpr = field.partition(':')
        name = name.strip()
        star = name.endswith('*')
        if star: name = name[:-1].rstrip()
        if not name:
            if not sep: raise TemplateError(f'{{{field}}} in {text!r}: an unnamed stem must be defined ({{*:regexpr}} or {{:regexpr}})')
            name = f'{UNNAMED_PREFIX}_star_{owner}_{n_unnamed[True]}' if star else f'{UNNAMED_PREFIX}{n_unnamed[False]}'
            n_unnamed[star] += 1
        if not _IDENT.match(name): raise TemplateError(f'{{{field}}} in {text!r} is not a stem ({{Name}} or {{Name:regexpr}})')
        if star: stars.add(name)
        if sep:
            if name in defs and defs[name] != regexpr:
                raise TemplateError(f'stem {name} defined twice with different regexprs in {text!r}')
            defs[name] = regexpr
        parts.append(''.join(lit)); parts.append(name); lit = []
        i = j
    parts.append(''.join(lit))
    return parts, defs, stars

def pattern_text(parts, stars=()):
    'a pattern shown to users: stems as {Name} ({Name*} for star stems)'
    out = []
    for k, p in enumerate(parts):
        if k % 2 == 0: out.append(p.replace('{', '{{').replace('}', '}}'))
        else: out.append('{' + ('' if p.startswith(UNNAMED_PREFIX) else p) + ('*' if p in stars else '') + '}')
    return ''.join(out)

def python_regex(parts, stems):
    'the Python regexpr of a pattern, to check it compiles (first use of a stem is a group, then a backref)'
    seen, out = set(), []
    for k, p in enumerate(parts):
        if k % 2 == 0: out.append(re.escape(p))
        elif p in seen: out.append(f'(?P={p})')
        else: seen.add(p); out.append(f'(?P<{p}>{stems[p]})')
    return ''.join(out)

def native_parts(template, known_names, constants):
    '''The parts of an f-string when every {field} is a plain name the server knows (a stem, a target, a dep)
    or a constant (a class attribute or Lmakefile global holding a str or number, substituted now).
    None when something else appears: the long-lived python helper evaluates it for each job.'''
    try: fields = list(string.Formatter().parse(template))
    except ValueError: return None
    parts, lit = [], []
    for literal, field, spec, conv in fields:
        lit.append(literal)
        if field is None: continue
        if spec or conv or not _IDENT.match(field): return None
        if field in known_names:
            parts.append(''.join(lit)); parts.append(field); lit = []
        elif field in constants: lit.append(str(constants[field]))
        else: return None
    parts.append(''.join(lit))
    return parts

def eval_fstring(template, glbs, lcls):
    '''evaluate template as the Python f-string it is. Written as a raw triple-quoted literal when it can be, so
    that quotes inside a {field} (a star target called: {OUT('a')}) need no backslash (python < 3.12 refuses one)'''
    for q in ('"""', "'''"):
        if q not in template and not template.endswith(q[0]) and not template.endswith('\\'):
            return eval(compile('rf' + q + template + q, '<f-string>', 'eval'), glbs, lcls)
    return eval(compile('f' + repr(template), '<f-string>', 'eval'), glbs, lcls)
