# The Python original doing what `dijitso jit` does: a signature, a generate callback run only on a miss,
# a cache directory; prints the library's signature. Run by /usr/bin/python3 (Debian's python3-dijitso).
import sys
import dijitso

SOURCE = 'extern "C" int add(int a, int b) { return a + b; }\n'


def generate(jitable, name, signature, params):
    return None, SOURCE, ()


params = {"cache": {"cache_dir": sys.argv[1]}}
lib, signature = dijitso.jit(None, "bench_add", params, generate=generate)
print(signature)
