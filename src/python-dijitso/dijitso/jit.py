# jit(): the library of a signature from this process's memory, else from the disk cache, else built (by the
# native command, through build_shared_library) or received from another rank; with the original's roles under
# MPI: a process given `generate` builds (and sends if given `send`), one given `receive` stores what it
# receives, the others only wait; every process calls wait() before loading.
import ctypes

from dijitso.build import build_shared_library
from dijitso.cache import lookup_lib, load_library, read_library_binary, write_library_binary
from dijitso.params import validate_params


class DijitsoError(RuntimeError):
    """A failed build; err_info holds fail_dir, src_filename, cmd_filename, log_filename (and message)."""

    def __init__(self, message, err_info):
        super().__init__(message)
        self.err_info = err_info


def extract_factory_function(lib, name):
    """The function `name` of a loaded library, declared as returning a pointer (void *(*)())."""
    function = getattr(lib, name)
    function.restype = ctypes.c_void_p
    return function


def jit_signature(name, params):
    """A signature made of name and a hash of params["generator"] and params["build"] (jit itself uses the name)."""
    import hashlib
    params = validate_params(params)
    text = repr(sorted((c, sorted((k, repr(v)) for k, v in params[c].items())) for c in ("build", "generator")))
    return "%s_%s" % (name, hashlib.sha1(text.encode("utf-8")).hexdigest()[:12])


def _as_text(value):
    return value.decode("utf-8") if isinstance(value, bytes) else value


def jit(jitable, name, params, generate=None, send=None, receive=None, wait=None):
    """Just-in-time build and load of a shared library, cached on disk and in memory.

    The signature is `name` (choose it unique, e.g. a hash of what the code is generated from). On a miss,
    `generate(jitable, name, signature, params["generator"])` returns (header, source, dependencies), where
    dependencies are signatures of earlier jit calls to link with; the source is compiled once per cache
    directory and the library loaded (with ctypes, or imported when cache.lib_loader is "import").

    Under MPI, give each process its role: `generate` to builders (with `send(numpy_uint8_array)` to pass the
    library on), `receive()` to receivers (returns that array), neither to waiters; `wait()`, if given, is
    called by all before loading. See dijitso.mpi.create_comms_and_role.

    Returns (lib, signature); raises DijitsoError when the build failed.
    """
    params = validate_params(params)
    signature = _as_text(name)
    cache_params = params["cache"]
    lib = lookup_lib(signature, cache_params)
    if lib is not None:
        return lib, signature

    err_info = None
    if generate and receive:
        raise RuntimeError("dijitso: give jit() one of generate or receive, not both")
    if generate:
        header, source, dependencies = generate(jitable, name, signature, params["generator"])
        if source:
            status, output, lib_filename, err_info = build_shared_library(
                signature, _as_text(header), _as_text(source), [_as_text(d) for d in dependencies], params)
            if send:
                if status == 0:
                    send(read_library_binary(lib_filename))
                else:
                    import numpy
                    send(numpy.zeros((1,)))  # the agreed "failed" marker: receivers store nothing
    elif receive:
        data = receive()
        if data.shape != (1,):
            write_library_binary(data, signature, cache_params)
    elif not wait:
        raise RuntimeError("dijitso: jit() without generate or receive needs wait (a waiter waits for a builder)")
    if wait:
        wait()
    lib = load_library(signature, cache_params)
    if err_info:
        raise DijitsoError(err_info.get("message") or "Dijitso JIT compilation failed, see '%s' for details"
                           % err_info["fail_dir"], err_info)
    return lib, signature
