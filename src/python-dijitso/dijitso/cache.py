# The cache directory's file names (the original's: include/SIG.h, src/SIG.cpp[.gz], lib/libdijitso-SIG.so,
# log/SIG.txt), the in-memory table of loaded libraries, and loading a library from disk. A library on disk is
# always whole: the native command publishes it by rename, so its existence is the hit test.
import ctypes
import os

from dijitso.log import debug, warning


def _basename(kind, signature, cache_params):
    return (cache_params.get(kind + "_prefix", "") + cache_params.get(kind + "_basename", "") + signature
            + cache_params.get(kind + "_postfix", ""))


def _filename(kind, signature, cache_params):
    return os.path.join(cache_params["cache_dir"], cache_params[kind + "_dir"], _basename(kind, signature, cache_params))


def create_inc_basename(signature, cache_params):
    return _basename("inc", signature, cache_params)


def create_inc_filename(signature, cache_params):
    return _filename("inc", signature, cache_params)


def create_src_basename(signature, cache_params):
    return _basename("src", signature, cache_params)


def create_src_filename(signature, cache_params):
    return _filename("src", signature, cache_params)


def create_lib_basename(signature, cache_params):
    return _basename("lib", signature, cache_params)


def create_lib_filename(signature, cache_params):
    return _filename("lib", signature, cache_params)


def create_log_filename(signature, cache_params):
    return _filename("log", signature, cache_params)


def create_libname(signature, cache_params):
    """The name a linker's -l takes: no directory, prefix or extension."""
    return cache_params["lib_basename"] + signature


def create_fail_dir_path(signature, cache_params):
    return os.path.abspath(os.path.join(cache_params["fail_dir_root"] or os.curdir, "jitfailure-" + signature))


def _make_dir(cache_params, kind):
    path = os.path.join(cache_params["cache_dir"], cache_params[kind + "_dir"])
    os.makedirs(path, exist_ok=True)
    return path


def make_inc_dir(cache_params):
    return _make_dir(cache_params, "inc")


def make_src_dir(cache_params):
    return _make_dir(cache_params, "src")


def make_lib_dir(cache_params):
    return _make_dir(cache_params, "lib")


def make_log_dir(cache_params):
    return _make_dir(cache_params, "log")


def make_comm_dir(cache_params):
    return _make_dir(cache_params, "comm")


def ensure_dirs(cache_params):
    for kind in ("inc", "src", "lib", "log"):
        _make_dir(cache_params, kind)


# Libraries loaded by this process, by signature (as the original: a signature names one library per process).
_lib_cache = {}


def lookup_lib(lib_signature, cache_params):
    """The loaded library of a signature: from memory, else from the disk cache (then remembered), else None."""
    lib = _lib_cache.get(lib_signature)
    if lib is None:
        lib = load_library(lib_signature, cache_params)
    return lib


def load_library(signature, cache_params):
    """Load the library of a signature from the disk cache; None if it is not there or does not load."""
    filename = create_lib_filename(signature, cache_params)
    if not os.path.exists(filename):
        return None
    if cache_params["lib_loader"] == "import":
        lib = _import_module(signature, filename)
    else:
        try:
            lib = ctypes.cdll.LoadLibrary(filename)
        except OSError as e:
            warning("dijitso: cannot load %s: %s" % (filename, e))
            return None
    debug("Loaded %s from %s" % (signature, filename))
    _lib_cache[signature] = lib
    return lib


def _import_module(signature, filename):
    # A Python extension module (DOLFIN's pybind11 code) whose module name is the signature.
    import importlib.util
    import sys
    spec = importlib.util.spec_from_file_location(signature, filename)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    sys.modules[signature] = module
    return module


def read_library_binary(lib_filename):
    """The bytes of a library file as a numpy uint8 array (what send() gets)."""
    import numpy
    return numpy.fromfile(lib_filename, dtype=numpy.uint8)


def write_library_binary(lib_data, signature, cache_params):
    """Publish a received library in this cache, atomically (a reader never sees half a file)."""
    final = os.path.join(make_lib_dir(cache_params), create_lib_basename(signature, cache_params))
    temp = os.path.join(os.path.dirname(final), ".%s.recv-%d" % (os.path.basename(final), os.getpid()))
    with open(temp, "wb") as f:
        f.write(memoryview(lib_data).cast("B"))
    os.chmod(temp, 0o755)
    os.replace(temp, final)
    return final


def _read_text(filename):
    if os.path.exists(filename):
        with open(filename, "r", encoding="utf-8") as f:
            return f.read()
    if os.path.exists(filename + ".gz"):
        import gzip
        with gzip.open(filename + ".gz", "rt", encoding="utf-8") as f:
            return f.read()
    return None


def read_src(signature, cache_params):
    """The stored source of a signature (decompressed), or None."""
    return _read_text(create_src_filename(signature, cache_params))


def read_inc(signature, cache_params):
    return _read_text(create_inc_filename(signature, cache_params))


def read_log(signature, cache_params):
    return _read_text(create_log_filename(signature, cache_params))


def extract_lib_signatures(cache_params):
    """The signatures of the libraries in the cache."""
    folder = os.path.join(cache_params["cache_dir"], cache_params["lib_dir"])
    head, tail = create_lib_basename("\0", cache_params).split("\0")
    try:
        names = sorted(os.listdir(folder))
    except FileNotFoundError:
        return []
    # Hidden files are locks and temporaries of the native command, never entries.
    return [n[len(head):len(n) - len(tail)] for n in names
            if not n.startswith(".") and n.startswith(head) and n.endswith(tail) and len(n) > len(head) + len(tail)]
