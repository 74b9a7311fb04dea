// A C++ host program, compiled once per test run: it calls `dijitso jit` through popen, dlopens the library
// whose path is the last line printed, and calls an `extern "C" int f(int, int)` from it.
namespace Dijitso.Tests;

public static class CppHost
{
    public const string Source = """
        // host.cpp: asks dijitso for a library, loads it, calls a function from it.
        #include <dlfcn.h>
        #include <cstdio>
        #include <cstdlib>
        #include <string>

        // Runs `dijitso jit SIG --source FILE [--cache-dir DIR]` and returns the last line it prints.
        static std::string jit(const std::string& sig, const std::string& source, const char* cache_dir) {
            std::string cmd = "dijitso jit '" + sig + "' --source '" + source + "'";
            if (cache_dir) cmd += std::string(" --cache-dir '") + cache_dir + "'";
            FILE* out = popen(cmd.c_str(), "r");
            if (!out) { perror("popen"); std::exit(2); }
            std::string last, line;
            char buf[4096];
            while (fgets(buf, sizeof buf, out)) {
                line += buf;
                if (!line.empty() && line.back() == '\n') { line.pop_back(); last = line; line.clear(); }
            }
            if (pclose(out) != 0) { std::fprintf(stderr, "dijitso jit failed\n"); std::exit(1); }
            return last;
        }

        int main(int argc, char** argv) {
            if (argc < 6) { std::fprintf(stderr, "usage: host SIG SOURCE FUNCTION A B [CACHE_DIR]\n"); return 2; }
            std::string path = jit(argv[1], argv[2], argc > 6 ? argv[6] : nullptr);
            void* lib = dlopen(path.c_str(), RTLD_NOW);
            if (!lib) { std::fprintf(stderr, "dlopen: %s\n", dlerror()); return 3; }
            using fn = int (*)(int, int);
            fn f = reinterpret_cast<fn>(dlsym(lib, argv[3]));
            if (!f) { std::fprintf(stderr, "dlsym: %s\n", dlerror()); return 4; }
            std::printf("%s(%s, %s) = %d\n", argv[3], argv[4], argv[5], f(std::atoi(argv[4]), std::atoi(argv[5])));
            return 0;
        }
        """;

    private static readonly Lazy<string> Built = new(() =>
    {
        string dir = Directory.CreateTempSubdirectory("dijitso-host-").FullName;
        File.WriteAllText(Path.Combine(dir, "host.cpp"), Source);
        Result r = Dj.Run("c++", ["-O1", "-o", "host", "host.cpp", "-ldl"], dir);
        if (r.ExitCode != 0) throw new InvalidOperationException("cannot compile the C++ host:\n" + r);
        return Path.Combine(dir, "host");
    });

    public static string Exe => Built.Value;
}
