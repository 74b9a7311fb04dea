# Where the sources come from: a Manifest file, or git (with submodules). Used by the reader when
# lmake.manifest is not set, and callable from an Lmakefile (lmake.manifest = lmake.sources.git_sources()).
import os
import subprocess

from ._errors import LmakefileError

def manifest_sources(manifest='Manifest', **kwds):
    'the names listed in the Manifest file, one a line, # starts a comment'
    try:
        with open(manifest) as f: lines = f.read().splitlines()
    except FileNotFoundError: raise FileNotFoundError(f'no {manifest} file') from None
    srcs = []
    for l in lines:
        l = l.split('#', 1)[0].strip()
        if l: srcs.append(l)
    if manifest not in srcs: srcs.append(manifest)
    return srcs

def _git(args, cwd):
    return subprocess.run(['git'] + args, cwd=cwd, capture_output=True, text=True, check=True).stdout

def git_sources(recurse=True, ignore_missing_submodules=False, **kwds):
    'the files git knows (git ls-files), submodules included; .git/ counts as a source dir'
    root = os.getcwd()
    try: top = _git(['rev-parse', '--show-toplevel'], root).strip()
    except (OSError, subprocess.CalledProcessError): raise FileNotFoundError('not in a git repository') from None
    args = ['ls-files', '-z', '--cached']
    if recurse: args.append('--recurse-submodules')
    try: out = _git(args, root)
    except subprocess.CalledProcessError as e:
        if not ignore_missing_submodules: raise LmakefileError(f'git ls-files failed: {e.stderr.strip()}')
        out = _git(['ls-files', '-z', '--cached'], root)
    srcs = [n for n in out.split('\0') if n]
    if os.path.realpath(top) == os.path.realpath(root): srcs.append('.git/')
    return srcs

def auto_sources(**kwds):
    'the Manifest file if there is one, else git'
    try: return manifest_sources(**kwds)
    except FileNotFoundError: pass
    try: return git_sources(**kwds)
    except FileNotFoundError: pass
    raise LmakefileError('no sources: set lmake.manifest, write a Manifest file or use git')

__all__ = ['manifest_sources', 'git_sources', 'auto_sources']
