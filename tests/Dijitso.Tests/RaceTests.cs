// Unrelated processes racing on one signature in one cache directory, without MPI: one compile, every
// process gets a whole library, and a builder killed mid-compile does not block the others.
using System.Diagnostics;

namespace Dijitso.Tests;

public class RaceTests
{
    private const string Kernel = "extern \"C\" int add(int a, int b) { return a + b; }\n";

    private static List<Process> StartMany(Sandbox s, int n, string sig, Dictionary<string, string?> env)
    {
        var list = new List<Process>();
        for (int i = 0; i < n; i++)
            list.Add(Process.Start(Dj.Start(Dj.Exe, ["jit", sig, "--source", "k.cpp", "--cache-dir", s.Cache, "--json"], s.Path, env))!);
        return list;
    }

    private static (int Code, string Out, string Err) Finish(Process p)
    {
        p.StandardInput.Close();
        Task<string> err = p.StandardError.ReadToEndAsync();
        string output = p.StandardOutput.ReadToEnd();
        Assert.True(p.WaitForExit(60_000), "a racing dijitso did not finish");
        return (p.ExitCode, output, err.Result);
    }

    /// <summary>Watches a path while the race runs: every time it exists it must be a whole ELF file of the
    /// final size (never a torn, half-written library).</summary>
    private sealed class TornFileWatch : IDisposable
    {
        private readonly string _path;
        private readonly CancellationTokenSource _stop = new();
        private readonly Task<List<long>> _seen;

        public TornFileWatch(string path)
        {
            _path = path;
            _seen = Task.Run(() =>
            {
                var sizes = new List<long>();
                while (!_stop.IsCancellationRequested)
                {
                    try
                    {
                        byte[] bytes = File.ReadAllBytes(_path);
                        sizes.Add(bytes.Length >= 4 && bytes[0] == 0x7f && bytes[1] == 'E' ? bytes.Length : -bytes.Length - 1);
                    }
                    catch (IOException) { }
                    Thread.Sleep(2);
                }
                return sizes;
            });
        }

        public List<long> Stop() { _stop.Cancel(); return _seen.Result; }
        public void Dispose() => _stop.Cancel();
    }

    [Theory]
    [InlineData("flock")]
    [InlineData("file")]
    public void EightProcessesOneCompile(string lockMethod)
    {
        using var s = new Sandbox();
        s.Write("k.cpp", Kernel);
        var env = new Dictionary<string, string?>(s.Env) { ["CXX"] = s.CountingCxx(0.5), ["DIJITSO_LOCK"] = lockMethod };
        string lib = Path.Combine(s.Cache, "lib", "libdijitso-race.so");
        using var watch = new TornFileWatch(lib);
        var results = StartMany(s, 8, "race", env).Select(Finish).ToList();
        List<long> seen = watch.Stop();
        Assert.All(results, r => Assert.True(r.Code == 0, r.Err));
        Assert.Equal(1, s.CompileCount);
        var statuses = results.Select(r => System.Text.Json.JsonDocument.Parse(r.Out).RootElement.GetProperty("status").GetString()).ToList();
        Assert.Equal(1, statuses.Count(x => x == "built"));
        Assert.All(statuses, x => Assert.Contains(x, new[] { "built", "waited", "hit" }));
        long size = new FileInfo(lib).Length;
        Assert.All(seen, n => Assert.Equal(size, n));
        // Every process got a loadable library.
        Result host = Dj.Run(CppHost.Exe, ["race", "k.cpp", "add", "1", "2", s.Cache], s.Path, s.Env);
        Assert.Equal("add(1, 2) = 3\n", host.Stdout);
    }

    [Fact]
    public void KilledBuilderDoesNotBlockTheOthers()
    {
        using var s = new Sandbox();
        s.Write("k.cpp", Kernel);
        var env = new Dictionary<string, string?>(s.Env) { ["CXX"] = s.CountingCxx(2) };
        string lib = Path.Combine(s.Cache, "lib", "libdijitso-killed.so");
        using var watch = new TornFileWatch(lib);
        Process builder = StartMany(s, 1, "killed", env)[0];
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (s.CompileCount == 0 && DateTime.UtcNow < deadline) Thread.Sleep(10);
        Assert.Equal(1, s.CompileCount); // the builder is compiling
        List<Process> others = StartMany(s, 4, "killed", env);
        Thread.Sleep(300);
        builder.Kill(); // SIGKILL, the dijitso process only: its compiler goes on as an orphan
        builder.WaitForExit();
        var results = others.Select(Finish).ToList();
        List<long> seen = watch.Stop();
        Assert.All(results, r => Assert.True(r.Code == 0, r.Err));
        Assert.Equal(2, s.CompileCount); // the killed one, then exactly one of the others
        long size = new FileInfo(lib).Length;
        Assert.All(seen, n => Assert.Equal(size, n));
        // The orphaned compiler ends by writing the killed builder's temporary: never taken for the library,
        // and `clean` removes it since its writer is dead.
        string libDir = Path.Combine(s.Cache, "lib");
        deadline = DateTime.UtcNow.AddSeconds(30);
        while (Directory.GetFiles(libDir, ".libdijitso-killed.so.tmp-*").Length == 0 && DateTime.UtcNow < deadline) Thread.Sleep(50);
        Thread.Sleep(500);
        Assert.Equal("killed\n", s.Dijitso("show", "--categories", "lib", "--signatures", "--no-summary", "--cache-dir", s.Cache).Stdout);
        string leftover = Assert.Single(Directory.GetFiles(libDir, ".libdijitso-killed.so.tmp-*"));
        Result clean = s.Dijitso("clean", "--categories", "lib", "--cache-dir", s.Cache);
        Assert.Contains($"removed {leftover} (left by a killed build)\n", clean.Stdout);
        Assert.False(File.Exists(leftover));
        Result host = Dj.Run(CppHost.Exe, ["killed", "k.cpp", "add", "4", "5", s.Cache], s.Path, s.Env);
        Assert.Equal("add(4, 5) = 9\n", host.Stdout);
    }

    [Fact]
    public void StaleFallbackLockOfADeadProcessIsTakenOver()
    {
        using var s = new Sandbox();
        s.Write("k.cpp", Kernel);
        // A lock file left by a process of this host that no longer exists (pid beyond pid_max).
        s.Write("cache/lib/.stale.lock.owner", $"{Environment.MachineName}:999999999\n");
        var env = new Dictionary<string, string?>(s.Env) { ["DIJITSO_LOCK"] = "file" };
        Result r = Dj.Run(Dj.Exe, ["jit", "stale", "--source", "k.cpp", "--cache-dir", s.Cache], s.Path, env, timeoutSeconds: 30);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.False(File.Exists(s["cache/lib/.stale.lock.owner"]));
    }
}
