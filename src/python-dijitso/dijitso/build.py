# Building a signature's library: build_shared_library hands the source to the native `dijitso jit`, which
# compiles it once per cache directory under a lock and publishes it atomically; every parameter is passed
# explicitly (--no-config --set ...), so the command and this package cannot resolve them differently.
import os

from dijitso.cache import create_fail_dir_path, create_lib_filename, create_libname, create_log_filename
from dijitso.log import info, warning

# Parameters the native command has its own fixed form of; any other value cannot be honoured.
_FIXED = {"src_postfix": ".cpp", "inc_postfix": ".h", "log_postfix": ".txt", "inc_prefix": "", "inc_basename": "",
          "src_prefix": "", "src_basename": "", "log_prefix": "", "log_basename": ""}


def make_unique(items):
    """The items in their first order, each once, as a tuple."""
    return tuple(dict.fromkeys(items))


def make_compile_command(src_filename, lib_filename, dependencies, build_params, cache_params):
    """The compile command as a list (the one the native command runs, written in the build log)."""
    inc_dir = os.path.join(cache_params["cache_dir"], cache_params["inc_dir"])
    lib_dir = os.path.join(cache_params["cache_dir"], cache_params["lib_dir"])
    flags = list(build_params["cxxflags"])
    flags += build_params["cxxflags_debug"] if build_params["debug"] else build_params["cxxflags_opt"]
    args = [build_params["cxx"]] + flags
    args += ["-I" + os.path.abspath(d) for d in make_unique(tuple(build_params["include_dirs"]) + (inc_dir,))]
    args.append(src_filename)
    args += ["-L" + os.path.abspath(d) for d in make_unique(tuple(build_params["lib_dirs"]) + (lib_dir,))]
    args += ["-Wl,-rpath," + os.path.abspath(d) for d in make_unique(tuple(build_params["rpath_dirs"]) + (lib_dir,))]
    args += ["-l" + create_libname(dep, cache_params) for dep in dependencies]
    args += ["-l" + lib for lib in build_params["libs"]]
    args.append("-o" + lib_filename)
    return args


def _settings(params):
    """--set arguments carrying every cache and build parameter the native command uses."""
    cache, build = params["cache"], params["build"]
    for key, fixed in _FIXED.items():
        if cache.get(key, fixed) != fixed:
            raise RuntimeError("dijitso: cache.%s = %r is not supported by this dijitso (only %r)" % (key, cache[key], fixed))
    storage = {"compress": "gzip"}.get(cache["src_storage"], cache["src_storage"])
    values = {
        "cache.inc_dir": cache["inc_dir"], "cache.src_dir": cache["src_dir"], "cache.lib_dir": cache["lib_dir"],
        "cache.log_dir": cache["log_dir"], "cache.fail_dir_root": cache["fail_dir_root"] or "",
        "cache.src_storage": storage, "cache.lib_prefix": cache["lib_prefix"],
        "cache.lib_basename": cache["lib_basename"], "cache.lib_postfix": cache["lib_postfix"],
        "cache.enable_build_log": "true" if cache["enable_build_log"] else "false",
        "build.cxx": build["cxx"], "build.debug": "true" if build["debug"] else "false",
    }
    for key in ("cxxflags", "cxxflags_debug", "cxxflags_opt", "include_dirs", "lib_dirs", "rpath_dirs", "libs"):
        values["build." + key] = " ".join(build[key])
    args = []
    for key, value in values.items():
        args += ["--set", "%s=%s" % (key, value)]
    return args


def build_shared_library(signature, header, source, dependencies, params):
    """Build the library of `signature` from source (and header) into the cache, linking with the libraries of
    the signatures in `dependencies`.

    Returns (status, output, lib_filename, err_info): status 0 and err_info None on success (also when another
    process built it meanwhile); on failure a non-zero status, lib_filename None and err_info naming the
    jitfailure-SIG directory that holds the source, recompile.sh and error.log. Never raises on a compile error,
    so that every MPI rank still reaches wait().
    """
    import tempfile  # here, not at import time: a process whose libraries are all cached never needs it
    from dijitso import native
    cache_params = params["cache"]
    args = [signature, "--no-config", "--cache-dir", cache_params["cache_dir"]] + _settings(params)
    for dep in dependencies:
        args += ["--dep", dep]
    temp_dir = None
    try:
        if header:
            temp_dir = tempfile.mkdtemp(prefix="dijitso-", dir=cache_params.get("temp_dir_root"))
            header_file = os.path.join(temp_dir, signature + ".h")
            with open(header_file, "w", encoding="utf-8") as f:
                f.write(header)
            args += ["--header", header_file]
        result = native.run_jit(args, source.encode("utf-8"))
    finally:
        if temp_dir:
            for name in os.listdir(temp_dir):
                os.unlink(os.path.join(temp_dir, name))
            os.rmdir(temp_dir)
    if result.exit_code == 0:
        output = ""
        if result.status == "built" and cache_params["enable_build_log"]:
            try:
                with open(create_log_filename(signature, cache_params), encoding="utf-8", errors="replace") as f:
                    output = f.read().split("\n\n", 1)[-1]
            except OSError:
                pass
        return 0, output, result.path or create_lib_filename(signature, cache_params), None
    return result.exit_code, result.message, None, _failure_info(signature, cache_params, result)


def _failure_info(signature, cache_params, result):
    fail_dir = create_fail_dir_path(signature, cache_params)
    err_info = {"fail_dir": fail_dir, "message": result.message,
                "src_filename": os.path.join(fail_dir, signature + ".cpp"),
                "cmd_filename": os.path.join(fail_dir, "recompile.sh"),
                "readme_filename": os.path.join(fail_dir, "README"),
                "log_filename": os.path.join(fail_dir, "error.log")}
    if os.path.isdir(fail_dir):
        with open(err_info["readme_filename"], "w") as f:
            f.write("Run recompile.sh to reproduce the failed compile; error.log holds the compiler's output.\n")
        try:
            with open(err_info["log_filename"], encoding="utf-8", errors="replace") as f:
                info("------------------- Start compiler output ------------------------\n" + f.read()
                     + "-------------------  End compiler output  ------------------------")
        except OSError:
            pass
    warning(result.message)
    return err_info
