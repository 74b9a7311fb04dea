# The `dijitso` Python package of lmake-cs: a drop-in for FEniCS's dijitso 2019.2 (the API that FFC and DOLFIN
# call), whose builds are done by our native `dijitso` command. Importing it is cheap on purpose: no numpy, no
# pkg_resources, no subprocess until a library is actually missing from the cache.
"""dijitso -- just-in-time compilation of generated C++ into cached shared libraries.

This package of lmake-cs keeps the interface of FEniCS dijitso 2019.2 (jit, validate_params, the parameter
functions, the cache file names) and hands every compile to the native `dijitso` command installed beside it,
which builds each signature once per cache directory, under a lock, whatever the number of processes.
"""

__version__ = "2019.2.0"

__all__ = ["validate_params", "jit", "extract_factory_function", "set_log_level", "DijitsoError"]

from dijitso.params import validate_params
from dijitso.jit import jit, jit_signature, extract_factory_function, DijitsoError
from dijitso.log import set_log_level
