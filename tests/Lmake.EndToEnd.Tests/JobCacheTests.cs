// The shared cache of job results (cache.md): a run stored by one repo is found by another whose deps hold what it
// saw (hit_done, hit_rerun when deps had to be made first), a changed dep misses, the dir's bounds are kept, a
// missing cache dir is no error, and lcache_repair makes a damaged dir coherent.
namespace Lmake.EndToEnd.Tests;

public class JobCacheTests
{
    // Gen makes gen from the source `ver` (not cached: it runs in each repo); Use, cached, reads `in` (its static
    // dep) and `gen` (a dep it discovers)
    private static string Lmakefile(string cacheDir) => $$"""
        import lmake
        from lmake.rules import Rule
        lmake.manifest = ('Lmakefile.py', 'in', 'ver')
        lmake.config.caches.shared = {'dir': '{{cacheDir}}'}
        class Gen(Rule):
            target = 'gen'
            dep    = 'ver'
            cmd    = 'cat'
        class Use(Rule):
            target = 'out'
            deps   = {'IN': 'in'}
            cache  = 'shared'
            cmd    = 'cat {IN} gen'
        """;

    private sealed class Shared : IDisposable
    {
        public TempDir Cache { get; } = new("lmake-cache-");

        public Shared(string config = "size = '1M'\n") => Cache.Write("LMAKE/config.py", config);

        public LmakeRepo Repo(string input = "in\n", string ver = "v1\n")
        {
            var r = new LmakeRepo(Lmakefile(Cache.Path));
            r.Repo.Add("in", input);
            r.Repo.Add("ver", ver);
            return r;
        }

        public int Runs(string job) =>
            Directory.Exists(Cache[job]) ? Directory.EnumerateFiles(Cache[job], "info", SearchOption.AllDirectories).Count() : 0;

        public void Dispose() => Cache.Dispose();
    }

    [Fact]
    public void A_run_stored_by_one_repo_is_found_by_another()
    {
        using var shared = new Shared();
        using (LmakeRepo first = shared.Repo())
        {
            LmakeOutput o = first.Lmake("out");
            Assert.True(o.Result.ExitCode == 0, o.ToString());
            Assert.Equal(["may_rerun", "done"], o.Words("out"));   // (gen found while it ran)
        }
        using LmakeRepo second = shared.Repo();
        LmakeOutput hit = second.Lmake("out");
        Assert.True(hit.Result.ExitCode == 0, hit.ToString());
        Assert.Equal(["done"], hit.Words("gen"));
        // out's run read gen, which had to be made (run) before the cached run could be said to match
        Assert.Equal(["hit_rerun", "hit_done"], hit.Words("out"));
        Assert.Equal("in\nv1\n", second.Repo.Read("out"));
        // and the next lmake finds it up to date
        Assert.Empty(second.Lmake("out").Jobs);
    }

    [Fact]
    public void A_dep_with_other_content_misses_and_the_new_run_is_stored_beside()
    {
        using var shared = new Shared();
        using (LmakeRepo first = shared.Repo()) Assert.Equal(0, first.Lmake("out").Result.ExitCode);
        using LmakeRepo second = shared.Repo(input: "other\n");
        LmakeOutput o = second.Lmake("out");
        Assert.True(o.Result.ExitCode == 0, o.ToString());
        Assert.DoesNotContain(o.Words("out"), w => w.StartsWith("hit_"));
        Assert.Contains("done", o.Words("out"));
        Assert.Equal("other\nv1\n", second.Repo.Read("out"));
        Assert.Equal(2, shared.Runs("out"));
    }

    [Fact]
    public void Cache_method_none_and_download_leave_the_cache_as_it_is_and_none_and_upload_do_not_look()
    {
        using var shared = new Shared();
        using (LmakeRepo r = shared.Repo()) Assert.Equal(0, r.Lmake("-c", "download", "out").Result.ExitCode);
        Assert.Equal(0, shared.Runs("out"));
        using (LmakeRepo r = shared.Repo()) Assert.Equal(0, r.Lmake("--cache-method=upload", "out").Result.ExitCode);
        Assert.Equal(1, shared.Runs("out"));
        foreach (string method in new[] { "none", "upload" })
            using (LmakeRepo r = shared.Repo())
            {
                LmakeOutput o = r.Lmake("-c", method, "out");
                Assert.True(o.Result.ExitCode == 0, o.ToString());
                Assert.Equal(["may_rerun", "done"], o.Words("out"));
            }
        using LmakeRepo plain = shared.Repo();
        Assert.Contains("hit_done", plain.Lmake("out").Words("out"));
    }

    [Fact]
    public void Of_the_runs_one_repo_stores_for_a_job_the_first_and_the_last_are_kept()
    {
        using var shared = new Shared();
        using LmakeRepo r = shared.Repo();
        foreach (string input in new[] { "a\n", "b\n", "c\n", "d\n" })
        {
            r.Repo.Write("in", input);
            Assert.Equal(0, r.Lmake("out").Result.ExitCode);
        }
        Assert.Equal(2, shared.Runs("out"));
        r.Repo.Write("in", "a\n");
        LmakeOutput first = r.Lmake("out");
        Assert.Equal(["hit_done"], first.Words("out"));
        Assert.Equal("a\nv1\n", r.Repo.Read("out"));
        r.Repo.Write("in", "b\n");
        Assert.Equal(["done"], r.Lmake("out").Words("out"));
    }

    [Fact]
    public void Max_runs_per_job_bounds_the_runs_kept()
    {
        using var shared = new Shared("size = 1 << 20\nmax_runs_per_job = 1\n");
        foreach (string input in new[] { "a\n", "b\n", "c\n" })
            using (LmakeRepo r = shared.Repo(input: input)) Assert.Equal(0, r.Lmake("out").Result.ExitCode);
        Assert.Equal(1, shared.Runs("out"));
    }

    [Fact]
    public void The_cache_stays_within_its_size()
    {
        // each run of `out` holds about 20 kB that LZ4 cannot shrink much: a 50 kB cache keeps two or three of them
        using var shared = new Shared("size = '50k'\n");
        for (int i = 0; i < 6; i++)
            using (LmakeRepo r = shared.Repo(input: Convert.ToBase64String(RandomBytes(i, 15_000)) + "\n"))
                Assert.Equal(0, r.Lmake("out").Result.ExitCode);
        long bytes = Directory.EnumerateFiles(shared.Cache.Path, "*", SearchOption.AllDirectories)
            .Where(f => !f.Contains("/LMAKE/")).Sum(f => new FileInfo(f).Length);
        Assert.True(bytes <= 50 * 1024, $"{bytes} bytes in the cache");
        Assert.InRange(shared.Runs("out"), 1, 5);
    }

    private static byte[] RandomBytes(int seed, int n)
    {
        byte[] bytes = new byte[n];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    [Fact]
    public void A_cache_dir_that_is_not_there_is_no_error()
    {
        using var shared = new Shared();
        File.Delete(shared.Cache["LMAKE/config.py"]);
        using LmakeRepo r = shared.Repo();
        LmakeOutput o = r.Lmake("out");
        Assert.True(o.Result.ExitCode == 0, o.ToString());
        Assert.Equal(["may_rerun", "done"], o.Words("out"));
        Assert.Contains("jobs run without this cache", o.Result.Stdout + o.Result.Stderr);
    }

    [Fact]
    public void A_cache_dir_must_be_absolute()
    {
        using var r = new LmakeRepo(Lmakefile("relative/cache"));
        LmakeOutput o = r.Lmake("out");
        Assert.Equal(8, o.Result.ExitCode);
        Assert.Contains("caches.shared.dir", o.Result.Stdout + o.Result.Stderr);
    }

    [Fact]
    public void Lcache_repair_removes_what_is_not_a_whole_run()
    {
        using var shared = new Shared();
        using (LmakeRepo r = shared.Repo()) Assert.Equal(0, r.Lmake("out").Result.ExitCode);
        string info = Directory.EnumerateFiles(shared.Cache["out"], "info", SearchOption.AllDirectories).Single();
        using (LmakeRepo r = shared.Repo(input: "other\n")) Assert.Equal(0, r.Lmake("out").Result.ExitCode);
        File.Delete(Path.Combine(Path.GetDirectoryName(info)!, "data"));   // a run torn by hand
        shared.Cache.Write("LMAKE/tmp/leftover/info", "half");

        CommandResult dry = Installed.Run(Installed.Bin("lcache_repair"), ["-n", shared.Cache.Path], shared.Cache.Path);
        Assert.True(dry.ExitCode == 0, dry.ToString());
        Assert.Contains("remove broken run", dry.Stdout);
        Assert.True(File.Exists(info));

        CommandResult done = Installed.Run(Installed.Bin("lcache_repair"), ["-f", shared.Cache.Path], shared.Cache.Path);
        Assert.True(done.ExitCode == 0, done.ToString());
        Assert.False(Directory.Exists(Path.GetDirectoryName(info)));
        Assert.False(Directory.Exists(shared.Cache["LMAKE/tmp/leftover"]));
        Assert.Equal(1, shared.Runs("out"));   // the whole run stays

        using var notACache = new TempDir();
        Assert.Equal(12, Installed.Run(Installed.Bin("lcache_repair"), ["-f", notACache.Path], notACache.Path).ExitCode);
    }
}
