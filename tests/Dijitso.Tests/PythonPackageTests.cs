// The `dijitso` Python package of the install (lib/dijitso) as FEniCS-style programs use it, run by Debian's
// python3 with the install's lib/ first on PYTHONPATH: jitables built by the native command and called through
// ctypes, the memory and disk caches, .dijitso.conf and DIJITSO_CACHE_DIR, a failed compile, and the MPI roles
// of dijitso.mpi under `mpirun -n 4` (mpi4py) with 1, 2 and 4 cache directories, counting compiler runs.
using System.Text.Json;

namespace Dijitso.Tests;

public class PythonPackageTests
{
    private const string Python = "/usr/bin/python3";
    private const string OpenMpi = "/usr/bin/mpirun.openmpi";
    private static string ScriptDir => Path.Combine(AppContext.BaseDirectory, "Python");

    private static Dictionary<string, string?> PyEnv(Sandbox s, string? cxx = null)
    {
        var env = new Dictionary<string, string?>(s.Env) { ["PYTHONPATH"] = Path.Combine(Dj.Root, "lib"), ["PYTHONDONTWRITEBYTECODE"] = "1" };
        if (cxx != null) env["CXX"] = cxx;
        return env;
    }

    private static Result Py(Sandbox s, string script, string[] args, Dictionary<string, string?> env, string? cwd = null)
    {
        Assert.True(File.Exists(Python), $"{Python} is missing: the Makefile installs python3 (APT_PACKAGES)");
        return Dj.Run(Python, [Path.Combine(ScriptDir, script), .. args], cwd ?? s.Path, env);
    }

    private static JsonElement LastJson(Result r)
    {
        Assert.True(r.ExitCode == 0, r.ToString());
        return JsonDocument.Parse(r.LastLine).RootElement;
    }

    private static int[] Ints(JsonElement e) => [.. e.EnumerateArray().Select(x => x.GetInt32())];

    [Fact]
    public void TwoJitablesAreBuiltOnceThenServedFromMemoryThenFromDisk()
    {
        using var s = new Sandbox();
        var env = PyEnv(s, s.CountingCxx());
        JsonElement first = LastJson(Py(s, "two_jitables.py", [s.Cache], env));
        Assert.Equal(Path.Combine(Dj.Root, "lib", "dijitso", "__init__.py"), first.GetProperty("module").GetString());
        // second_value() = first_value() * 10 + 2, through the link with the first library.
        Assert.Equal([4, 42], Ints(first.GetProperty("round1")));
        Assert.Equal([4, 42], Ints(first.GetProperty("round2")));
        Assert.Equal(["pytest_first", "pytest_second"], first.GetProperty("generated").EnumerateArray().Select(x => x.GetString()));
        Assert.True(first.GetProperty("same_objects").GetBoolean(), "the second round did not return the loaded libraries");
        Assert.Equal(2, s.CompileCount);

        // The original's layout and names: header, gzip-compressed source, library, build log.
        Assert.True(File.Exists(Path.Combine(s.Cache, "lib", "libdijitso-pytest_first.so")));
        Assert.True(File.Exists(Path.Combine(s.Cache, "lib", "libdijitso-pytest_second.so")));
        Assert.Equal("extern \"C\" int first_value();\n", File.ReadAllText(Path.Combine(s.Cache, "include", "pytest_first.h")));
        byte[] gz = File.ReadAllBytes(Path.Combine(s.Cache, "src", "pytest_second.cpp.gz"));
        Assert.Equal(new byte[] { 0x1f, 0x8b }, gz[..2]);
        Assert.Contains("-ldijitso-pytest_first", File.ReadAllText(Path.Combine(s.Cache, "log", "pytest_second.txt")));

        // A new process finds both on disk: nothing generated, nothing compiled.
        JsonElement warm = LastJson(Py(s, "two_jitables.py", [s.Cache], env));
        Assert.Equal([4, 42], Ints(warm.GetProperty("round1")));
        Assert.Empty(warm.GetProperty("generated").EnumerateArray());
        Assert.Equal(2, s.CompileCount);
    }

    [Fact]
    public void ConcurrentProcessesCompileOnce()
    {
        using var s = new Sandbox();
        var env = PyEnv(s, s.CountingCxx(0.5));
        string script = Path.Combine(ScriptDir, "two_jitables.py");
        Result r = Dj.Shell(string.Join(" & ", Enumerable.Range(0, 4).Select(i => $"'{Python}' '{script}' '{s.Cache}' > out{i}.json")) + " & wait",
            s.Path, env);
        Assert.True(r.ExitCode == 0, r.ToString());
        for (int i = 0; i < 4; i++)
        {
            JsonElement e = JsonDocument.Parse(File.ReadAllText(s[$"out{i}.json"])).RootElement;
            Assert.Equal([4, 42], Ints(e.GetProperty("round1")));
        }
        Assert.Equal(2, s.CompileCount);
    }

    [Fact]
    public void ConfigFileAndEnvironmentChooseTheCache()
    {
        using var s = new Sandbox();
        s.Write(".dijitso.conf", "[cache]\ncache_dir = confcache\nsrc_storage = keep\n");
        JsonElement e = LastJson(Py(s, "two_jitables.py", ["-"], PyEnv(s)));
        Assert.Equal("confcache", e.GetProperty("cache_dir").GetString());
        Assert.True(File.Exists(s["confcache/lib/libdijitso-pytest_second.so"]));
        Assert.StartsWith("#include \"pytest_first.h\"", File.ReadAllText(s["confcache/src/pytest_second.cpp"]));

        var env = PyEnv(s);
        env["DIJITSO_CACHE_DIR"] = s["envcache"];
        JsonElement e2 = LastJson(Py(s, "two_jitables.py", ["-"], env));
        Assert.Equal(s["envcache"], e2.GetProperty("cache_dir").GetString());
        Assert.True(File.Exists(s["envcache/lib/libdijitso-pytest_first.so"]));
    }

    [Fact]
    public void AFailedCompileRaisesDijitsoErrorWithItsFailureDirectory()
    {
        using var s = new Sandbox();
        string code = string.Join('\n',
            "import sys, dijitso",
            "def generate(jitable, name, signature, params):",
            "    return None, 'extern \"C\" int broken() { return ; }\\n', ()",
            "try:",
            "    dijitso.jit(None, 'pytest_broken', {'cache': {'cache_dir': sys.argv[1]}}, generate=generate)",
            "except dijitso.DijitsoError as e:",
            "    print(e.err_info['fail_dir'])",
            "    print(e)");
        Result r = Dj.Run(Python, ["-c", code, s.Cache], s.Path, PyEnv(s));
        Assert.True(r.ExitCode == 0, r.ToString());
        string[] lines = r.Stdout.TrimEnd('\n').Split('\n');
        Assert.Equal(s["jitfailure-pytest_broken"], lines[0]);
        Assert.StartsWith("dijitso: compiling pytest_broken failed (exit 1); sources, recompile.sh and compiler output in", lines[1]);
        foreach (string f in new[] { "pytest_broken.cpp", "recompile.sh", "error.log", "README" })
            Assert.True(File.Exists(Path.Combine(lines[0], f)), $"{f} is missing in {lines[0]}");
        Assert.Contains("error", File.ReadAllText(Path.Combine(lines[0], "error.log")));
        Assert.False(File.Exists(Path.Combine(s.Cache, "lib", "libdijitso-pytest_broken.so")));
    }

    [Fact]
    public void AnUnknownParameterIsNamed()
    {
        using var s = new Sandbox();
        string code = "import dijitso\ntry:\n    dijitso.validate_params({'cache': {'cache_dri': 'x'}})\nexcept RuntimeError as e:\n    print(e)\n";
        Result r = Dj.Run(Python, ["-c", code], s.Path, PyEnv(s));
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.StartsWith("dijitso: invalid parameter names ['cache_dri'] in category 'cache' (known: cache_dir,", r.Stdout);
    }

    [Fact]
    public void DefaultParamsAreTheOriginals()
    {
        using var s = new Sandbox();
        string code = "import json, dijitso.params as p\nd = p.default_params()\nprint(json.dumps([d['cache']['lib_basename'], d['cache']['src_storage'], list(d['build']['cxxflags']), list(d['build']['cxxflags_opt'])]))\n" +
                      "v = p.validate_params({'build': {'include_dirs': ['a', 'b']}})\nprint(json.dumps([v['cache']['cache_dir'], list(v['build']['include_dirs'])]))\n" +
                      // DOLFIN passes default_params() edited in place, lists included and cache_dir None.
                      "d['build']['libs'] = ['m']\nw = p.validate_params(d)\nprint(json.dumps([w['cache']['cache_dir'], list(w['build']['libs'])]))\n";
        Result r = Dj.Run(Python, ["-c", code], s.Path, PyEnv(s));
        Assert.True(r.ExitCode == 0, r.ToString());
        string[] lines = r.Stdout.TrimEnd('\n').Split('\n');
        Assert.Equal("[\"dijitso-\", \"compress\", [\"-Wall\", \"-shared\", \"-fPIC\", \"-std=c++11\"], [\"-O3\", \"-fno-math-errno\", \"-fno-trapping-math\", \"-ffinite-math-only\"]]", lines[0]);
        Assert.Equal($"[\"{s["home"]}/.cache/dijitso\", [\"a\", \"b\"]]", lines[1]);
        Assert.Equal($"[\"{s["home"]}/.cache/dijitso\", [\"m\"]]", lines[2]);
    }

    private static Result MpiPython(Sandbox s, string mode, int dirs, string cxx)
    {
        Assert.True(File.Exists(OpenMpi), $"{OpenMpi} is missing: the Makefile installs openmpi-bin (APT_PACKAGES)");
        var env = PyEnv(s);
        env["OMPI_ALLOW_RUN_AS_ROOT"] = "1";
        env["OMPI_ALLOW_RUN_AS_ROOT_CONFIRM"] = "1";
        return Dj.Run(OpenMpi, ["--allow-run-as-root", "--oversubscribe", "-n", "4", Python, Path.Combine(ScriptDir, "mpi_jit.py"), mode,
            dirs.ToString(), s.Path, cxx], s.Path, env, timeoutSeconds: 180);
    }

    /// <summary>rank -> role, in rank order; and every rank got 42 from the library.</summary>
    private static string Roles(Sandbox s, Result r)
    {
        var lines = Enumerable.Range(0, 4).Where(rank => File.Exists(s[$"rank-{rank}.json"]))
            .Select(rank => JsonDocument.Parse(File.ReadAllText(s[$"rank-{rank}.json"])).RootElement).ToList();
        Assert.True(lines.Count == 4, r.ToString());
        Assert.All(lines, e => Assert.Equal(42, e.GetProperty("value").GetInt32()));
        return string.Join(' ', lines.Select(e => e.GetProperty("role").GetString()));
    }

    // Cache directory of rank r: c(r % dirs). Node roots are the lowest rank of each directory.
    [Theory]
    [InlineData("node", 1, 1, "builder waiter waiter waiter")]
    [InlineData("node", 2, 2, "builder builder waiter waiter")]
    [InlineData("node", 4, 4, "builder builder builder builder")]
    [InlineData("root", 1, 1, "builder waiter waiter waiter")]
    [InlineData("root", 2, 1, "builder receiver waiter waiter")]
    [InlineData("root", 4, 1, "builder receiver receiver receiver")]
    [InlineData("process", 4, 4, "builder builder builder builder")]
    public void MpiRolesAndCompileCounts(string mode, int dirs, int compiles, string roles)
    {
        using var s = new Sandbox();
        string cxx = s.CountingCxx(0.2);
        Result r = MpiPython(s, mode, dirs, cxx);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(roles, Roles(s, r));
        Assert.Equal(compiles, s.CompileCount);
        for (int d = 0; d < dirs; d++)
            Assert.True(File.Exists(Path.Combine(s.Path, $"c{d}", "lib", "libdijitso-mpi_answer.so")), $"c{d} has no library\n{r}");
        // The same job again: every library is on disk, nothing is compiled.
        Result again = MpiPython(s, mode, dirs, cxx);
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Equal(compiles, s.CompileCount);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void BuildingOnEveryProcessInASharedDirectoryIsRefused(int dirs)
    {
        using var s = new Sandbox();
        Result r = MpiPython(s, "process", dirs, s.CountingCxx());
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("dijitso: build on every process asked for, but ranks [0, ", r.Stdout);
        Assert.Contains("share one cache directory; give each process its own cache_dir", r.Stdout);
        Assert.Equal(0, s.CompileCount);
    }
}
