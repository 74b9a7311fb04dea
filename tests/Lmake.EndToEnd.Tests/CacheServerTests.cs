// lcache_server, the daemon of a shared cache dir, driven through real builds: two repos building at once share one
// cache (each run stored once), a hit after `rm -rf LMAKE`, the size bound kept across repos with the run cheapest to
// lose going first, a run cut short skipped then removed by lcache_repair, the daemon started by lmake, serving two
// servers and gone when idle, lcache_server by hand (its exit codes), no daemon to be had (said once, no cache),
// and max_rate.
namespace Lmake.EndToEnd.Tests;

public class CacheServerTests
{
    // {F}.out from {F}.in, cached; a job whose name starts with `slow` first burns about half a second of cpu
    private static string Lmakefile(string cacheDir) => $$"""
        import lmake
        from lmake.rules import Rule
        lmake.manifest = ('Lmakefile.py', {{string.Join(", ", Enumerable.Range(0, 8).Select(i => $"'f{i}.in'"))}}, 'slow.in', 'cheap.in', 'third.in')
        lmake.config.caches.shared = {'dir': '{{cacheDir}}'}
        class Copy(Rule):
            targets = {'OUT': r'{F:\w+}.out'}
            deps    = {'IN': '{F}.in'}
            cache   = 'shared'
            cmd     = 'case {F} in slow*) python3 -c "sum(range(20000000))";; esac; cat {IN} > {OUT}'
        """;

    private sealed class Shared : IDisposable
    {
        public TempDir Cache { get; } = new("lmake-cache-");
        private readonly List<LmakeRepo> _repos = [];

        public Shared(string config = "size = '1M'\n") => Cache.Write("LMAKE/config.py", config);

        public LmakeRepo Repo(Dictionary<string, string>? inputs = null)
        {
            var r = new LmakeRepo(Lmakefile(Cache.Path));
            foreach (var (name, content) in inputs ?? Inputs()) r.Repo.Add(name, content);
            _repos.Add(r);
            return r;
        }

        public static Dictionary<string, string> Inputs(int n = 8) =>
            Enumerable.Range(0, n).ToDictionary(i => $"f{i}.in", i => $"content {i}\n");

        /// <summary>The runs stored for job F.out (the job folder is F.out/Copy-SIG/).</summary>
        public int Runs(string job) =>
            Directory.Exists(Cache[job]) ? Directory.EnumerateFiles(Cache[job], "info", SearchOption.AllDirectories).Count() : 0;

        public long Bytes() => Directory.EnumerateFiles(Cache.Path, "*", SearchOption.AllDirectories)
            .Where(f => !f.Contains("/LMAKE/")).Sum(f => new FileInfo(f).Length);

        public string Log => File.Exists(Cache["LMAKE/server.log"]) ? Cache.Read("LMAKE/server.log") : "";

        public void Dispose()
        {
            foreach (LmakeRepo r in _repos) r.Dispose();
            // the daemon ends once no server is connected: wait for it, so that the dir can go
            WaitUntil(() => !DaemonRuns(Cache.Path), TimeSpan.FromSeconds(20));
            Cache.Dispose();
        }
    }

    /// <summary>lmake in <paramref name="r"/>, its server kept after the build (until killed): its link to the daemon
    /// stays, whatever the time between this build and the next.</summary>
    private static LmakeOutput LmakeKeepingServer(LmakeRepo r, params string[] targets) =>
        new(Installed.Run(Installed.Bin("lmake"), targets, r.Repo.Path, new Dictionary<string, string?> { ["LMAKE_SERVER_IDLE_MS"] = "60000" }));

    private static bool DaemonRuns(string dir) => File.Exists(Path.Combine(dir, "LMAKE", "server"));

    private static bool WaitUntil(Func<bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) return false;
            Thread.Sleep(50);
        }
        return true;
    }

    private static string RandomText(int seed, int bytes)
    {
        byte[] b = new byte[bytes];
        new Random(seed).NextBytes(b);
        return Convert.ToBase64String(b) + "\n";
    }

    [Fact]
    public async Task Two_repos_building_at_once_share_the_cache_and_each_run_is_stored_once()
    {
        using var shared = new Shared();
        LmakeRepo a = shared.Repo(), b = shared.Repo();
        string[] targets = Enumerable.Range(0, 8).Select(i => $"f{i}.out").ToArray();
        Task<LmakeOutput> first = Task.Run(() => LmakeKeepingServer(a, targets)), second = Task.Run(() => LmakeKeepingServer(b, targets));
        foreach (var (repo, o) in new[] { (a, await first), (b, await second) })
        {
            Assert.True(o.Result.ExitCode == 0, o.ToString());
            for (int i = 0; i < 8; i++) Assert.Equal($"content {i}\n", repo.Repo.Read($"f{i}.out"));
        }
        for (int i = 0; i < 8; i++) Assert.Equal(1, shared.Runs($"f{i}.out"));
        // one daemon served both
        Assert.Equal(1, shared.Log.Split('\n').Count(l => l.Contains("lcache_server: serving")));
    }

    [Fact]
    public void After_rm_rf_LMAKE_every_job_is_a_hit()
    {
        using var shared = new Shared();
        LmakeRepo r = shared.Repo();
        string[] targets = Enumerable.Range(0, 8).Select(i => $"f{i}.out").ToArray();
        Assert.Equal(0, r.Lmake(targets).Result.ExitCode);
        int pid = int.Parse(File.ReadAllLines(r.Repo["LMAKE/server"])[1]);
        r.Repo.KillServer();
        Assert.True(WaitUntil(() => !Directory.Exists($"/proc/{pid}"), TimeSpan.FromSeconds(10)));
        Directory.Delete(r.Repo["LMAKE"], recursive: true);
        foreach (string t in targets) File.Delete(r.Repo[t]);
        LmakeOutput o = r.Lmake(targets);
        Assert.True(o.Result.ExitCode == 0, o.ToString());
        Assert.Equal(8, o.Count("hit_done"));
        Assert.Equal(0, o.Count("done"));
        for (int i = 0; i < 8; i++) Assert.Equal($"content {i}\n", r.Repo.Read($"f{i}.out"));
    }

    [Fact]
    public void Under_a_small_bound_runs_of_two_repos_share_it_and_the_cheapest_to_lose_goes_first()
    {
        // each run about 18 kB that LZ4 cannot shrink: two fit in 40 kB, not three
        using var shared = new Shared("size = '40k'\n");
        var inputs = new Dictionary<string, string>
        {
            ["slow.in"] = RandomText(1, 13_000), ["cheap.in"] = RandomText(2, 13_000), ["third.in"] = RandomText(3, 13_000),
        };
        LmakeRepo a = shared.Repo(inputs), b = shared.Repo(inputs);
        Assert.Equal(0, a.Lmake("slow.out").Result.ExitCode);    // the oldest, but it took cpu to make
        Thread.Sleep(300);
        Assert.Equal(0, b.Lmake("cheap.out").Result.ExitCode);   // younger, and cheap
        Assert.Equal(1, shared.Runs("slow.out"));
        Assert.Equal(1, shared.Runs("cheap.out"));
        // both left alone for a while: the slow one is still older (a plain LRU would take it), but it ages ten times
        // slower (same size, ten times the cpu time)
        Thread.Sleep(3000);
        Assert.Equal(0, a.Lmake("third.out").Result.ExitCode);   // no room for three
        Assert.True(shared.Bytes() <= 40 * 1024, $"{shared.Bytes()} bytes in a cache of 40 kB");
        Assert.Equal(1, shared.Runs("third.out"));
        Assert.True(shared.Runs("slow.out") == 1, shared.Log);    // a plain LRU would have taken this one
        Assert.Equal(0, shared.Runs("cheap.out"));
        Assert.Contains("took away cheap.out/", shared.Log);
    }

    [Fact]
    public void A_run_whose_data_is_cut_short_is_skipped_then_removed_by_lcache_repair()
    {
        using var shared = new Shared();
        using (LmakeRepo a = shared.Repo()) Assert.Equal(0, a.Lmake("f0.out").Result.ExitCode);
        string data = Directory.EnumerateFiles(shared.Cache["f0.out"], "data", SearchOption.AllDirectories).Single();
        byte[] whole = File.ReadAllBytes(data);
        File.WriteAllBytes(data, whole[..(whole.Length / 2)]);
        LmakeRepo b = shared.Repo();
        LmakeOutput o = b.Lmake("f0.out");
        Assert.True(o.Result.ExitCode == 0, o.ToString());
        Assert.DoesNotContain(o.Words("f0.out"), w => w.StartsWith("hit_"));
        Assert.Equal("content 0\n", b.Repo.Read("f0.out"));
        b.Repo.KillServer();
        // lcache_repair waits for the daemon to be gone (idle), then finds the run cut short
        CommandResult repair = Installed.Run(Installed.Bin("lcache_repair"), ["-f", shared.Cache.Path], shared.Cache.Path);
        Assert.True(repair.ExitCode == 0, repair.ToString());
        Assert.Contains("remove broken run", repair.Stdout);
        Assert.Equal(0, shared.Runs("f0.out"));
        // and the next run is stored again, whole
        LmakeRepo c = shared.Repo();
        Assert.Equal(0, c.Lmake("f0.out").Result.ExitCode);
        Assert.Equal(1, shared.Runs("f0.out"));
        LmakeRepo d = shared.Repo();
        Assert.Equal(["hit_done"], d.Lmake("f0.out").Words("f0.out"));
    }

    [Fact]
    public void The_daemon_is_started_by_lmake_serves_two_servers_and_exits_when_idle()
    {
        using var shared = new Shared();
        Assert.False(DaemonRuns(shared.Cache.Path));
        LmakeRepo a = shared.Repo(), b = shared.Repo();
        Assert.Equal(0, LmakeKeepingServer(a, "f0.out").Result.ExitCode);
        Assert.True(DaemonRuns(shared.Cache.Path));   // started, and kept while a's server is connected
        Assert.Equal(["hit_done"], LmakeKeepingServer(b, "f0.out").Words("f0.out"));
        Assert.Equal(1, shared.Log.Split('\n').Count(l => l.Contains("lcache_server: serving")));
        // once both lmake servers are gone (idle, or killed here) the daemon follows within about a second
        a.Repo.KillServer();
        b.Repo.KillServer();
        Assert.True(WaitUntil(() => !DaemonRuns(shared.Cache.Path), TimeSpan.FromSeconds(15)), shared.Log);
        // (its address goes first, then it says so in its log)
        Assert.True(WaitUntil(() => shared.Log.Contains("lcache_server: stops"), TimeSpan.FromSeconds(15)), shared.Log);
    }

    [Fact]
    public void Lcache_server_by_hand_says_what_is_wrong_with_its_exit_code()
    {
        using var cache = new TempDir("lmake-cache-");
        cache.Write("LMAKE/config.py", "size = 'lots'\n");
        CommandResult bad = Installed.Command("lcache_server", cache.Path);
        Assert.True(bad.ExitCode == 3, bad.ToString());
        Assert.Contains("size", bad.Stderr);
        Assert.DoesNotContain("   at ", bad.Stderr);
        cache.Write("LMAKE/config.py", "size = 1 <<\n");   // not Python
        Assert.Equal(3, Installed.Command("lcache_server", cache.Path).ExitCode);
        Assert.Equal(11, Installed.Command("lcache_server").ExitCode);
        Assert.Equal(11, Installed.Command("lcache_server", cache.Path, "other").ExitCode);
        Assert.Equal(11, Installed.Command("lcache_server", "--no-such-option", cache.Path).ExitCode);
        using var none = new TempDir();
        Assert.Equal(3, Installed.Command("lcache_server", none.Path).ExitCode);
        cache.Write("LMAKE/version", "some other cache 9\n");
        cache.Write("LMAKE/config.py", "size = '1M'\n");
        Assert.Equal(12, Installed.Command("lcache_server", cache.Path).ExitCode);
    }

    [Fact]
    public void Lcache_server_by_hand_serves_until_sigterm_and_a_second_one_is_refused()
    {
        using var shared = new Shared();
        var psi = new System.Diagnostics.ProcessStartInfo(Installed.Bin("lcache_server")) { RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(shared.Cache.Path);
        using var daemon = System.Diagnostics.Process.Start(psi)!;
        try
        {
            Assert.True(WaitUntil(() => DaemonRuns(shared.Cache.Path), TimeSpan.FromSeconds(10)));
            Assert.Equal(4, Installed.Command("lcache_server", shared.Cache.Path).ExitCode);
            LmakeRepo a = shared.Repo();
            Assert.Equal(0, a.Lmake("f1.out").Result.ExitCode);
            Assert.Equal(1, shared.Runs("f1.out"));
            a.Repo.KillServer();
            Thread.Sleep(1500);   // by hand it does not leave when idle
            Assert.False(daemon.HasExited);
            Assert.Equal(0, Installed.Run("/bin/kill", ["-TERM", daemon.Id.ToString()]).ExitCode);
            Assert.True(daemon.WaitForExit(10_000));
            Assert.Equal(0, daemon.ExitCode);
            Assert.False(DaemonRuns(shared.Cache.Path));
        }
        finally { if (!daemon.HasExited) daemon.Kill(); }
    }

    [Fact]
    public void When_no_daemon_can_be_had_lmake_says_it_once_and_the_jobs_run_without_the_cache()
    {
        using var shared = new Shared();
        shared.Cache.Write("LMAKE/version", "some other cache 9\n");   // lcache_server refuses the dir (exit 12)
        LmakeRepo a = shared.Repo();
        LmakeOutput o = a.Lmake("f0.out", "f1.out", "f2.out");
        Assert.True(o.Result.ExitCode == 0, o.ToString());
        for (int i = 0; i < 3; i++) Assert.Equal($"content {i}\n", a.Repo.Read($"f{i}.out"));
        string all = o.Result.Stdout + o.Result.Stderr;
        Assert.Equal(1, all.Split('\n').Count(l => l.Contains("lcache_server cannot be had")));
        Assert.Contains("exited with code 12", all);
        Assert.Equal(0, shared.Runs("f0.out"));
    }

    [Fact]
    public void A_run_made_faster_than_max_rate_is_not_stored()
    {
        using var shared = new Shared("size = '1M'\nmax_rate = '10k'\n");   // 10 kB a second
        var inputs = new Dictionary<string, string> { ["f0.in"] = RandomText(5, 60_000), ["slow.in"] = "small\n" };
        LmakeRepo a = shared.Repo(inputs);
        LmakeOutput o = a.Lmake("f0.out", "slow.out");
        Assert.True(o.Result.ExitCode == 0, o.ToString());
        Assert.Equal(0, shared.Runs("f0.out"));     // 60 kB made in a few ms
        Assert.Contains("more than max_rate", shared.Log);
        Assert.Equal(1, shared.Runs("slow.out"));   // a few hundred bytes made in half a second of cpu
    }
}
