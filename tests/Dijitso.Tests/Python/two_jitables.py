# Run by PythonPackageTests with our package first on sys.path: two integer-valued jitables (the second linked
# with the first through `dependencies`), built and called through ctypes, two rounds in one process. Prints
# one JSON object: where dijitso came from, the values of each round, how many times generate ran, whether the
# second round returned the very library objects of the first (served from memory).
import json
import sys

import dijitso

cache_dir = sys.argv[1]
generated = []


def generate_first(jitable, name, signature, generator_params):
    generated.append(signature)
    header = "extern \"C\" int %s_value();\n" % jitable
    source = "extern \"C\" int %s_value() { return %d; }\n" % (jitable, generator_params["value"])
    return header, source, ()


def generate_second(jitable, name, signature, generator_params):
    generated.append(signature)
    source = ('#include "%s.h"\n' % generator_params["first_signature"]
              + "extern \"C\" int %s_value() { return first_value() * 10 + %d; }\n" % (jitable, generator_params["value"]))
    return None, source, (generator_params["first_signature"],)


def both():
    params = {"cache": {"cache_dir": cache_dir} if cache_dir != "-" else {}, "generator": {"value": 4}}
    lib1, sig1 = dijitso.jit("first", "pytest_first", params, generate=generate_first)
    params2 = {"cache": params["cache"], "generator": {"value": 2, "first_signature": sig1}}
    lib2, sig2 = dijitso.jit("second", "pytest_second", params2, generate=generate_second)
    return (lib1, lib2), [lib1.first_value(), lib2.second_value()], [sig1, sig2]


libs1, values1, sigs = both()
libs2, values2, _ = both()
print(json.dumps({
    "module": dijitso.__file__,
    "round1": values1,
    "round2": values2,
    "generated": generated,
    "same_objects": all(a is b for a, b in zip(libs1, libs2)),
    "signatures": sigs,
    "cache_dir": dijitso.validate_params({"cache": {"cache_dir": cache_dir} if cache_dir != "-" else {}})["cache"]["cache_dir"],
}))
