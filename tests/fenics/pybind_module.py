# DOLFIN's compile_cpp_code: a pybind11 module that dijitso builds as lib/SIG.so (no prefix, no basename) and
# loads by importing it (cache.lib_loader = "import"). Prints one JSON line: add(2, 3) and the dijitso used.
import json

import dijitso
from dolfin import compile_cpp_code

CODE = """
#include <pybind11/pybind11.h>
int add(int a, int b) { return a + b; }
PYBIND11_MODULE(SIGNATURE, m) { m.def("add", &add); }
"""
module = compile_cpp_code(CODE)
print(json.dumps({"sum": module.add(2, 3), "dijitso": dijitso.__file__}))
