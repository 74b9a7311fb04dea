# dijitso's parameters: three categories ("cache", "build", "generator"), their defaults (those of the original,
# so that cache file names and compile commands are the same), the .dijitso.conf file, and validate_params,
# which every jit call goes through and therefore stays a few dict copies long.
import os
import sys

from dijitso.log import info

CONFIG_BASENAME = ".dijitso.conf"


def discover_config_filename():
    """The first .dijitso.conf of ./, $DIJITSO_CONF/, ~/, /etc/dijitso/, or None."""
    for folder in (os.curdir, os.environ.get("DIJITSO_CONF"), os.path.expanduser("~"), "/etc/dijitso"):
        if folder:
            candidate = os.path.join(folder, CONFIG_BASENAME)
            if os.path.isfile(candidate):
                return candidate
    return None


_config = None


def read_config_file():
    """The config file as {category: {name: text}}, read once per process ({} when there is none)."""
    global _config
    if _config is None:
        found = discover_config_filename()
        contents = {}
        if found is not None:
            import configparser
            parser = configparser.ConfigParser(inline_comment_prefixes=("#", ";"))
            try:
                parser.read(found)
            except configparser.Error as e:
                raise RuntimeError("dijitso: cannot read %s: %s" % (found, e)) from None
            info("Using config file '%s'." % (found,))
            contents = {section: dict(parser.items(section)) for section in parser.sections()}
        _config = contents
    return _config


def default_cache_params():
    return {
        "cache_dir": None,          # resolved by validate_params
        "inc_dir": "include",
        "src_dir": "src",
        "lib_dir": "lib",
        "fail_dir_root": None,      # None: the current directory
        "temp_dir_root": None,
        "comm_dir": "comm",
        "log_dir": "log",
        "enable_build_log": True,
        "src_storage": "compress",  # compress (SIG.cpp.gz), keep, delete
        "src_postfix": ".cpp",
        "log_postfix": ".txt",
        "inc_postfix": ".h",
        "lib_postfix": ".so",
        "lib_prefix": "lib",
        "lib_basename": "dijitso-",
        "lib_loader": "ctypes",     # ctypes, or import (a Python extension module)
    }


def default_cxx_compiler():
    return os.environ.get("CXX") or "c++"


def default_cxx_flags():
    return ("-Wall", "-shared", "-fPIC", "-std=c++11")


def default_cxx_debug_flags():
    return ("-g", "-O0")


def default_cxx_release_flags():
    return ("-O3", "-fno-math-errno", "-fno-trapping-math", "-ffinite-math-only")


def default_build_params():
    return {
        "cxx": default_cxx_compiler(),
        "cxxflags": default_cxx_flags(),
        "cxxflags_debug": default_cxx_debug_flags(),
        "cxxflags_opt": default_cxx_release_flags(),
        "include_dirs": (),
        "lib_dirs": (),
        "rpath_dirs": (),
        "libs": (),
        "debug": False,
    }


def default_generator_params():
    return {}


def default_params():
    """Fresh defaults; callers (DOLFIN) modify the returned dicts in place."""
    return {"cache": default_cache_params(), "build": default_build_params(), "generator": default_generator_params()}


_session = None


def session_default_params():
    """The defaults merged with the config file, computed once; a copy each call."""
    global _session
    if _session is None:
        _session = validate_params()
    return copy_params(_session)


def as_bool(value):
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("true", "1", "yes", "on"):
        return True
    if text in ("false", "0", "no", "off"):
        return False
    raise RuntimeError("dijitso: %r is not a boolean (true/false, 1/0, yes/no, on/off)" % (value,))


def as_str_tuple(value):
    """A tuple of strings from a string (one item), a list or a tuple of strings."""
    if isinstance(value, str):
        return (value,)
    if isinstance(value, (list, tuple)) and all(isinstance(item, str) for item in value):
        return tuple(value)
    raise RuntimeError("dijitso: expected a string or a list of strings, not %r" % (value,))


def copy_params(params):
    """A copy of a two-level parameter dict (the values themselves are shared)."""
    return {category: (dict(values) if values is not None else None) for category, values in params.items()}


def check_params_keys(default, params):
    """Raise RuntimeError naming any category or name that the defaults do not have ("generator" is free)."""
    for category, values in params.items():
        if category == "generator":
            continue
        if category not in default:
            raise RuntimeError("dijitso: invalid parameter category '%s' (known: %s)" % (category, ", ".join(sorted(default))))
        if values:
            unknown = sorted(set(values) - set(default[category]))
            if unknown:
                raise RuntimeError("dijitso: invalid parameter names %s in category '%s' (known: %s)"
                                   % (unknown, category, ", ".join(sorted(default[category]))))


def merge_params(default, params):
    """default updated category by category with params (neither is modified)."""
    merged = {}
    for category, values in default.items():
        merged[category] = dict(values)
        extra = params.get(category)
        if extra:
            merged[category].update(extra)
    return merged


def _convert(reference, name, value, from_file):
    """value in the type of the default `reference`."""
    if isinstance(reference, bool):
        return as_bool(value)
    if isinstance(reference, tuple):
        # In the config file a list is written on one line, split on white space (as our command does).
        return tuple(value.split()) if from_file and isinstance(value, str) else as_str_tuple(value)
    if isinstance(reference, str) or (reference is None and isinstance(value, str)):
        if isinstance(value, bytes):
            value = value.decode("utf-8")
        if not isinstance(value, str):
            raise RuntimeError("dijitso: parameter '%s' must be a string, not %r" % (name, value))
        if name.endswith("_dir") and "~" in value:
            value = os.path.expanduser(value)
        return value
    return value


def _default_cache_dir():
    # As the original: in the active virtualenv or conda prefix, else under the home directory.
    for variable in ("VIRTUAL_ENV", "CONDA_PREFIX"):
        prefix = os.environ.get(variable)
        if prefix and prefix == sys.prefix:
            return os.path.join(prefix, ".cache", "dijitso")
    return os.path.join(os.path.expanduser("~"), ".cache", "dijitso")


def validate_params(params=None):
    """Complete params with the config file and the defaults, check the names, convert the values.

    Order, later winning: defaults, .dijitso.conf, DIJITSO_CACHE_DIR (cache_dir only), params (where not None).
    Returns a new dict; params is not modified.
    """
    defaults = default_params()
    merged = defaults
    config = read_config_file()
    if config:
        check_params_keys(defaults, config)
        merged = merge_params(merged, config)
        for category, values in config.items():
            if category != "generator":
                for name, value in values.items():
                    merged[category][name] = _convert(defaults[category][name], name, value, True)
    env_cache_dir = os.environ.get("DIJITSO_CACHE_DIR")
    if env_cache_dir:
        merged["cache"]["cache_dir"] = env_cache_dir
    if params:
        check_params_keys(defaults, params)
        for category, values in params.items():
            if not values:
                continue
            target = merged.setdefault(category, {})
            if category == "generator":
                target.update(values)
                continue
            for name, value in values.items():
                # None is "not given" (DOLFIN passes default_params(), whose cache_dir is None).
                if value is not None:
                    target[name] = _convert(defaults[category][name], name, value, False)
    if not merged["cache"]["cache_dir"]:
        merged["cache"]["cache_dir"] = _default_cache_dir()
    if merged["cache"]["src_storage"] not in ("compress", "keep", "delete"):
        raise RuntimeError("dijitso: cache.src_storage is %r, not one of compress, keep, delete" % (merged["cache"]["src_storage"],))
    if merged["cache"]["lib_loader"] not in ("ctypes", "import"):
        raise RuntimeError("dijitso: cache.lib_loader is %r, not one of ctypes, import" % (merged["cache"]["lib_loader"],))
    return merged
