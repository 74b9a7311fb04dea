// `dijitso jit` on one process: miss then hit, lazy generation, flags, dependencies, source storage, failures.
namespace Dijitso.Tests;

public class JitTests
{
    private const string AddSource = "extern \"C\" int add(int a, int b) { return a + b; }\n";

    [Fact]
    public void MissBuildsThenHitServesWithoutRunningTheGenerator()
    {
        using var s = new Sandbox();
        string gen = s.Script("gen.sh", $"#!/bin/sh\necho run >> '{s["gen.log"]}'\necho 'extern \"C\" int add(int a, int b) {{ return a + b; }}'\n");
        Result miss = s.Dijitso("jit", "sig-a", "--generate", gen, "--cache-dir", s.Cache, "--json");
        Assert.True(miss.ExitCode == 0, miss.ToString());
        string lib = Path.Combine(s.Cache, "lib", "libdijitso-sig-a.so");
        Assert.Equal($"{{\"signature\":\"sig-a\",\"path\":\"{lib}\",\"status\":\"built\"}}", miss.LastLine);
        Assert.True(File.Exists(lib));

        Result hit = s.Dijitso("jit", "sig-a", "--generate", gen, "--cache-dir", s.Cache);
        Assert.Equal(0, hit.ExitCode);
        Assert.Equal(lib + "\n", hit.Stdout);
        Assert.Single(File.ReadAllLines(s["gen.log"])); // the generator ran on the miss only
        Assert.Contains("\"status\":\"hit\"", s.Dijitso("jit", "sig-a", "--generate", gen, "--cache-dir", s.Cache, "--json").Stdout);
    }

    [Fact]
    public void CacheLayoutAndBuildLog()
    {
        using var s = new Sandbox();
        s.Write("k.cpp", "#include \"sig-h.h\"\nextern \"C\" int add(int a, int b) { return a + b + OFFSET; }\n");
        s.Write("k.h", "#define OFFSET 0\n");
        Result r = s.Dijitso("jit", "sig-h", "--source", "k.cpp", "--header", "k.h", "--cache-dir", s.Cache);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal("#define OFFSET 0\n", File.ReadAllText(Path.Combine(s.Cache, "include", "sig-h.h")));
        Assert.True(File.Exists(Path.Combine(s.Cache, "src", "sig-h.cpp.lz4")));
        Assert.False(File.Exists(Path.Combine(s.Cache, "src", "sig-h.cpp")));
        string[] log = File.ReadAllText(Path.Combine(s.Cache, "log", "sig-h.txt")).Split('\n');
        Assert.StartsWith("c++ -Wall -shared -fPIC -std=c++11 -O3 -fno-math-errno", log[0]);
        Assert.Contains($"-I{s.Cache}/include {s.Cache}/src/sig-h.cpp -L{s.Cache}/lib -Wl,-rpath,{s.Cache}/lib -o {s.Cache}/lib/libdijitso-sig-h.so", log[0]);
        Assert.Equal("", log[1]);
        // no temporary or lock file looks like an entry
        Assert.Equal(["libdijitso-sig-h.so"], Directory.GetFiles(Path.Combine(s.Cache, "lib")).Select(Path.GetFileName).Where(n => !n!.StartsWith('.')));
    }

    [Fact]
    public void GeneratorWritesTheHeaderItNames()
    {
        using var s = new Sandbox();
        // The generator learns its signature from DIJITSO_SIGNATURE and writes the header that --header names.
        string gen = s.Script("gen.sh",
            "#!/bin/sh\necho \"#define SIG_NAME \\\"$DIJITSO_SIGNATURE\\\"\" > gen.h\n" +
            "echo '#include \"with-header.h\"'\necho 'extern \"C\" const char* name() { return SIG_NAME; }'\n");
        Result r = s.Dijitso("jit", "with-header", "--generate", gen, "--header", "gen.h", "--cache-dir", s.Cache);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal("#define SIG_NAME \"with-header\"\n", File.ReadAllText(Path.Combine(s.Cache, "include", "with-header.h")));
        Assert.True(File.Exists(Path.Combine(s.Cache, "lib", "libdijitso-with-header.so")));
    }

    [Fact]
    public void HelpListsTheExitCodes()
    {
        using var s = new Sandbox();
        Result r = s.Dijitso("--help");
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("exit codes:", r.Stdout);
        Assert.Contains("3   bad configuration", r.Stdout);
        Assert.Contains("jit", r.Stdout);
    }

    [Fact]
    public void SourceFromStdin()
    {
        using var s = new Sandbox();
        Result r = s.DijitsoIn(s.Path, AddSource, "jit", "from-stdin", "--cache-dir", s.Cache);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(AddSource, s.Sh($"lz4 -dc '{s.Cache}/src/from-stdin.cpp.lz4'").Stdout);
    }

    [Fact]
    public void IncludeDirsLibsAndDebugFlagsReachTheCompiler()
    {
        using var s = new Sandbox();
        s.Write("inc/offset.h", "inline int offset() { return 100; }\n");
        s.Write("mylib/triple.cpp", "extern \"C\" int triple(int x) { return 3 * x; }\n");
        Assert.Equal(0, s.Sh("c++ -shared -fPIC -o mylib/libtriple.so mylib/triple.cpp").ExitCode);
        s.Write("k.cpp", "#include <offset.h>\nextern \"C\" int triple(int);\nextern \"C\" int add(int a, int b) { return triple(a) + b + offset(); }\n");
        Result r = s.Dijitso("jit", "flags", "--source", "k.cpp", "--cache-dir", s.Cache, "--include-dir", "inc",
            "--lib-dir", "mylib", "--lib", "triple", "--debug");
        Assert.True(r.ExitCode == 0, r.ToString());
        string cmd = File.ReadAllLines(Path.Combine(s.Cache, "log", "flags.txt"))[0];
        Assert.Contains($" -g -O0 -I{s["inc"]} -I{s.Cache}/include ", cmd);
        Assert.Contains($" -L{s["mylib"]} -Wl,-rpath,{s["mylib"]} -L{s.Cache}/lib", cmd);
        Assert.EndsWith($" -ltriple -o {s.Cache}/lib/libdijitso-flags.so", cmd);
        Assert.DoesNotContain("-O3", cmd);
        // The library works through its rpath: 3*2 + 5 + 100.
        Result host = Dj.Run(CppHost.Exe, ["flags", "k.cpp", "add", "2", "5", s.Cache], s.Path, s.Env);
        Assert.True(host.ExitCode == 0, host.ToString());
        Assert.Equal("add(2, 5) = 111\n", host.Stdout);
    }

    [Fact]
    public void DependencyOnAnotherSignatureLinksIt()
    {
        using var s = new Sandbox();
        s.Write("base.cpp", "extern \"C\" int twice(int x) { return 2 * x; }\n");
        s.Write("user.cpp", "extern \"C\" int twice(int);\nextern \"C\" int add(int a, int b) { return twice(a) + b; }\n");
        Result missing = s.Dijitso("jit", "user", "--source", "user.cpp", "--dep", "base", "--cache-dir", s.Cache);
        Assert.Equal(5, missing.ExitCode);
        Assert.Contains("--dep base", missing.Stderr);
        Assert.Equal(0, s.Dijitso("jit", "base", "--source", "base.cpp", "--cache-dir", s.Cache).ExitCode);
        Result r = s.Dijitso("jit", "user", "--source", "user.cpp", "--dep", "base", "--cache-dir", s.Cache);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains(" -ldijitso-base -o ", File.ReadAllText(Path.Combine(s.Cache, "log", "user.txt")));
        Result host = Dj.Run(CppHost.Exe, ["user", "user.cpp", "add", "20", "1", s.Cache], s.Path, s.Env);
        Assert.Equal("add(20, 1) = 41\n", host.Stdout);
    }

    [Theory]
    [InlineData("keep", "user.cpp")]
    [InlineData("compress", "user.cpp.lz4")]
    [InlineData("delete", null)]
    public void SourceStorage(string storage, string? expected)
    {
        using var s = new Sandbox();
        s.Write(".dijitso.conf", $"[cache]\nsrc_storage = {storage}\n");
        s.Write("k.cpp", AddSource);
        Result r = s.Dijitso("jit", "user", "--source", "k.cpp", "--cache-dir", s.Cache);
        Assert.True(r.ExitCode == 0, r.ToString());
        string[] src = Directory.Exists(Path.Combine(s.Cache, "src"))
            ? [.. Directory.GetFiles(Path.Combine(s.Cache, "src")).Select(f => Path.GetFileName(f)!)] : [];
        Assert.Equal(expected is null ? [] : [expected], src);
        if (storage == "compress")
            Assert.Equal(AddSource, s.Sh($"lz4 -dc '{s.Cache}/src/user.cpp.lz4'").Stdout);
        if (storage == "keep") Assert.Equal(AddSource, File.ReadAllText(Path.Combine(s.Cache, "src", "user.cpp")));
    }

    [Fact]
    public void CompileErrorLeavesAFailureDirectoryAndNothingCached()
    {
        using var s = new Sandbox();
        s.Write("bad.cpp", "extern \"C\" int add(int a, int b) { return a + ; }\n");
        s.Write("bad.h", "// header\n");
        Result r = s.Dijitso("jit", "broken", "--source", "bad.cpp", "--header", "bad.h", "--cache-dir", s.Cache);
        Assert.Equal(1, r.ExitCode);
        Assert.Equal("", r.Stdout);
        string fail = s["jitfailure-broken"];
        Assert.Equal($"dijitso: compiling broken failed (exit 1); sources, recompile.sh and compiler output in {fail}\n", r.Stderr);
        Assert.Equal(["broken.cpp", "broken.h", "error.log", "recompile.sh"], Directory.GetFiles(fail).Select(f => Path.GetFileName(f)!).Order());
        Assert.Contains("error: expected primary-expression", File.ReadAllText(Path.Combine(fail, "error.log")));
        // recompile.sh reproduces the failure
        Result again = Dj.Run(Path.Combine(fail, "recompile.sh"), [], s.Path, s.Env);
        Assert.NotEqual(0, again.ExitCode);
        Assert.Contains("expected primary-expression", again.Stderr);
        // nothing cached: show lists no entry
        foreach (string dir in new[] { "lib", "src", "include", "log" })
        {
            string full = Path.Combine(s.Cache, dir);
            Assert.Empty(Directory.Exists(full) ? Directory.GetFiles(full).Where(f => !Path.GetFileName(f).StartsWith('.')) : []);
        }
        Result json = s.Dijitso("jit", "broken", "--source", "bad.cpp", "--cache-dir", s.Cache, "--json");
        Assert.Equal(1, json.ExitCode);
        Assert.Contains("\"status\":\"failed\"", json.LastLine);
    }

    [Fact]
    public void FailingGeneratorAndBadArguments()
    {
        using var s = new Sandbox();
        Result gen = s.Dijitso("jit", "g", "--generate", "echo oops >&2; exit 3", "--cache-dir", s.Cache);
        Assert.Equal(1, gen.ExitCode);
        Assert.Contains("oops", gen.Stderr);
        Assert.Contains("the generator of g failed (exit 3)", gen.Stderr);

        Result both = s.Dijitso("jit", "g", "--generate", "true", "--source", "x.cpp", "--cache-dir", s.Cache);
        Assert.Equal(11, both.ExitCode);
        Assert.Contains("not both", both.Stderr);

        Result badSig = s.Dijitso("jit", "a/b", "--source", "x.cpp", "--cache-dir", s.Cache);
        Assert.Equal(11, badSig.ExitCode);
        Assert.Contains("bad signature 'a/b'", badSig.Stderr);

        Result badMode = s.Dijitso("jit", "g", "--build-on", "cluster");
        Assert.Equal(11, badMode.ExitCode);
        Assert.Contains("cluster", badMode.Stderr);

        Result noFile = s.Dijitso("jit", "g", "--source", "missing.cpp", "--cache-dir", s.Cache);
        Assert.Equal(11, noFile.ExitCode);
        Assert.Contains("--source missing.cpp", noFile.Stderr);
        Assert.DoesNotContain("   at ", noFile.Stderr); // no stack trace
    }
}
