// Parameters: defaults < .dijitso.conf (./, $DIJITSO_CONF/, ~/, /etc/dijitso/) < environment < options.
namespace Dijitso.Tests;

public class ConfigTests
{
    private static string Key(Sandbox s, string key, Dictionary<string, string?>? env = null, params string[] extra)
    {
        var e = new Dictionary<string, string?>(s.Env);
        if (env != null) foreach (var (k, v) in env) e[k] = v;
        Result r = Dj.Run(Dj.Exe, ["config", "--key", key, .. extra], s.Path, e);
        Assert.True(r.ExitCode == 0, r.ToString());
        return r.Stdout.TrimEnd('\n');
    }

    [Fact]
    public void Defaults()
    {
        using var s = new Sandbox();
        Assert.Equal(Path.Combine(s["home"], ".cache", "dijitso"), Key(s, "cache.cache_dir"));
        Assert.Equal("compress", Key(s, "cache.src_storage"));
        Assert.Equal("c++", Key(s, "build.cxx"));
        Assert.Equal("-Wall -shared -fPIC -std=c++11", Key(s, "build.cxxflags"));
        Assert.Equal("-g -O0", Key(s, "build.cxxflags_debug"));
        Assert.Equal("-O3 -fno-math-errno -fno-trapping-math -ffinite-math-only", Key(s, "build.cxxflags_opt"));
        Result all = s.Dijitso("config");
        Assert.Equal("# config file: none", all.Stdout.Split('\n')[0]);
        Assert.Contains("\nbuild.debug = false\n", all.Stdout);
        Assert.Equal(21, all.Stdout.TrimEnd('\n').Split('\n').Length);
    }

    [Fact]
    public void PrecedenceFileThenEnvironmentThenOption()
    {
        using var s = new Sandbox();
        s.Write("home/.dijitso.conf", "[cache]\ncache_dir = /from/home\n[build]\ncxx = home-cxx\nlibs = a b\n");
        Assert.Equal("/from/home", Key(s, "cache.cache_dir"));
        Assert.Equal("a b", Key(s, "build.libs"));
        s.Write("confdir/.dijitso.conf", "[cache]\ncache_dir = /from/conf\n");
        Assert.Equal("/from/conf", Key(s, "cache.cache_dir", new() { ["DIJITSO_CONF"] = s["confdir"] }));
        Assert.Equal("c++", Key(s, "build.cxx", new() { ["DIJITSO_CONF"] = s["confdir"] })); // only the first file found counts
        s.Write(".dijitso.conf", "# local\n[cache]\ncache_dir: /from/cwd\nenable_build_log = no\n");
        Assert.Equal("/from/cwd", Key(s, "cache.cache_dir", new() { ["DIJITSO_CONF"] = s["confdir"] }));
        Assert.Equal("false", Key(s, "cache.enable_build_log"));
        Assert.Equal("/from/env", Key(s, "cache.cache_dir", new() { ["DIJITSO_CACHE_DIR"] = "/from/env" }));
        Assert.Equal("/explicit", Key(s, "cache.cache_dir", new() { ["DIJITSO_CACHE_DIR"] = "/from/env" }, "--cache-dir", "/explicit"));
        Assert.Equal("clang++", Key(s, "build.cxx", new() { ["CXX"] = "clang++" }));
        Assert.Contains("# config file: " + s[".dijitso.conf"], s.Dijitso("config").Stdout);
    }

    [Fact]
    public void BuildLogCanBeDisabled()
    {
        using var s = new Sandbox();
        s.Write(".dijitso.conf", "[cache]\nenable_build_log = false\n");
        s.Write("k.cpp", "extern \"C\" int f() { return 1; }\n");
        Assert.Equal(0, s.Dijitso("jit", "nolog", "--source", "k.cpp", "--cache-dir", s.Cache).ExitCode);
        Assert.False(File.Exists(Path.Combine(s.Cache, "log", "nolog.txt")));
    }

    [Theory]
    [InlineData("[cache]\ncache_dir = /x\nbogus = 1\n", ":3: unknown key 'bogus' in section [cache]")]
    [InlineData("[compile]\ncxx = g++\n", ":1: unknown section [compile]")]
    [InlineData("[cache]\nsrc_storage = zip\n", ":2: bad value for cache.src_storage: 'zip' is not one of compress, gzip, keep, delete")]
    [InlineData("[build]\n\ndebug = maybe\n", ":3: bad value for build.debug: 'maybe' is not a boolean")]
    [InlineData("cxx = g++\n", ":1: key 'cxx' is outside a section")]
    [InlineData("[build]\njust words\n", ":2: expected `key = value`")]
    public void ConfigFileErrorsNameFileLineAndKey(string content, string expected)
    {
        using var s = new Sandbox();
        string file = s.Write(".dijitso.conf", content);
        Result r = s.Dijitso("jit", "x", "--source", "k.cpp");
        Assert.Equal(3, r.ExitCode);
        Assert.StartsWith($"dijitso: {file}{expected}", r.Stderr);
        Assert.Single(r.Stderr.TrimEnd('\n').Split('\n'));
        Assert.Equal(3, s.Dijitso("config").ExitCode);
    }

    [Fact]
    public void UnknownConfigKeyOption()
    {
        using var s = new Sandbox();
        Result r = s.Dijitso("config", "--key", "cache.nope");
        Assert.Equal(11, r.ExitCode);
        Assert.Contains("unknown key 'cache.nope'", r.Stderr);
    }
}
