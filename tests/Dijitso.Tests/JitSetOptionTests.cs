// `dijitso jit --set SECTION.KEY=VALUE` and `--no-config`, which the Python package uses to pass every parameter
// it resolved; `src_storage = gzip` (the original's SIG.cpp.gz) and the original's `lib_basename = dijitso-`.
namespace Dijitso.Tests;

public class JitSetOptionTests
{
    private const string Source = "extern \"C\" int one() { return 1; }\n";

    [Fact]
    public void SetOverridesTheConfigFileAndNoConfigIgnoresIt()
    {
        using var s = new Sandbox();
        s.Write("k.cpp", Source);
        s.Write(".dijitso.conf", "[cache]\nsrc_storage = keep\nlib_dir = conflib\n");
        var env = new Dictionary<string, string?>(s.Env) { ["DIJITSO_CACHE_DIR"] = s["envcache"] };
        // --set wins over the file; the file and the environment still apply to the rest.
        Result r = Dj.Run(Dj.Exe, ["jit", "a", "--source", "k.cpp", "--set", "cache.src_storage=gzip"], s.Path, env);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(s["envcache/conflib/libdijitso-a.so"], r.LastLine);
        Assert.Equal(new byte[] { 0x1f, 0x8b }, File.ReadAllBytes(s["envcache/src/a.cpp.gz"])[..2]);
        Assert.False(File.Exists(s["envcache/src/a.cpp"]));
        Assert.Contains("a.cpp.gz", s.Dijitso("show", "--files", "--cache-dir", s["envcache"]).Stdout);
        Assert.Equal("1:extern \"C\" int one() { return 1; }",
            s.Dijitso("grep", "one", "--line-numbers", "--cache-dir", s["envcache"]).Stdout.TrimEnd('\n').Split(':', 2)[1]);

        // --no-config: neither the file nor DIJITSO_CACHE_DIR; the defaults and --set only.
        Result n = Dj.Run(Dj.Exe, ["jit", "b", "--source", "k.cpp", "--no-config", "--cache-dir", s["plain"],
            "--set", "cache.lib_basename=dijitso-"], s.Path, env);
        Assert.True(n.ExitCode == 0, n.ToString());
        Assert.Equal(s["plain/lib/libdijitso-b.so"], n.LastLine);
        Assert.True(File.Exists(s["plain/src/b.cpp.lz4"]));
    }

    [Fact]
    public void AnEmptyLibBasenameNamesTheLibraryAfterTheSignature()
    {
        using var s = new Sandbox();
        s.Write("k.cpp", Source);
        Result r = s.Dijitso("jit", "mod", "--source", "k.cpp", "--cache-dir", s.Cache, "--set", "cache.lib_prefix=", "--set", "cache.lib_basename=");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(Path.Combine(s.Cache, "lib", "mod.so"), r.LastLine);
    }

    [Theory]
    [InlineData("cache.bogus=1", "dijitso: --set cache.bogus=1: unknown key 'cache.bogus' (known: cache.cache_dir, ")]
    [InlineData("build.debug=maybe", "dijitso: --set build.debug=maybe: 'maybe' is not a boolean")]
    [InlineData("nokey", "dijitso: --set nokey: expected SECTION.KEY=VALUE")]
    public void ABadSetIsAUsageError(string set, string expected)
    {
        using var s = new Sandbox();
        s.Write("k.cpp", Source);
        Result r = s.Dijitso("jit", "c", "--source", "k.cpp", "--cache-dir", s.Cache, "--set", set);
        Assert.Equal(11, r.ExitCode);
        Assert.StartsWith(expected, r.Stderr);
        Assert.Single(r.Stderr.TrimEnd('\n').Split('\n'));
    }
}
