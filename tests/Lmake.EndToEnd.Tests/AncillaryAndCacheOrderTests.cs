// environ_ancillary is not managed (job_execution.md: its variables have no impact at all on the job): a file only it
// reads is not made, and a value it cannot compute leaves its variable unset instead of failing the job. And a job
// that looks in a cache asks the cache before it says early_rerun: the files its environ read (deps of the cached
// run) being made first makes a hit a hit_rerun, and only a miss that runs says early_rerun.
namespace Lmake.EndToEnd.Tests;

public class AncillaryAndCacheOrderTests
{
    [Fact]
    public void A_file_only_environ_ancillary_reads_is_not_made_and_the_job_runs_without_the_variable()
    {
        using var r = new LmakeRepo("""
            import lmake
            from lmake.rules import Rule
            lmake.manifest = ('Lmakefile.py',)
            class Gen(Rule):
                target = r'gen{N:\d}'
                cmd    = 'echo made{N}'
            class Log(Rule):
                target            = r'log{N:\d}'
                environ_ancillary = { 'TAG' : "{open('gen'+N).read().strip()}" }
                cmd               = 'echo "tag=${{TAG-unset}}"'
            """);
        LmakeOutput o = r.Lmake("log1");
        Assert.True(o.Result.ExitCode == 0, o.ToString());
        Assert.Equal(["done"], o.Words("log1"));   // no early_rerun: gen1 is no dep of it
        Assert.Empty(o.Words("gen1"));
        Assert.False(File.Exists(r.Repo["gen1"]));
        Assert.Equal("tag=unset\n", r.Repo.Read("log1"));
        // once gen1 exists, the variable has its value at the next run, which gen1 alone does not cause
        Assert.Equal(0, r.Lmake("gen1").Result.ExitCode);
        Assert.Empty(r.Lmake("log1").Jobs);
        Assert.Equal(0, r.Lmake("log2", "gen2").Result.ExitCode);
    }

    private static string CachedRules(string cacheDir) => $$"""
        import lmake
        from lmake.rules import Rule
        lmake.manifest = ('Lmakefile.py', 'cfg')
        lmake.config.caches.team = {'dir': '{{cacheDir}}'}
        class Gen(Rule):
            target = 'gen'
            dep    = 'cfg'
            cmd    = 'cat'
        class Use(Rule):
            target  = r'use{N:\d}'
            cache   = 'team'
            environ = { 'FROM_GEN' : "{open('gen').read().strip()}" }
            cmd     = 'echo {N} $FROM_GEN'
        """;

    [Fact]
    public void A_cached_job_whose_environ_waits_for_a_generated_file_is_a_hit_rerun_not_an_early_rerun()
    {
        using var cache = new TempDir("lmake-cache-");
        cache.Write("LMAKE/config.py", "size = '1M'\n");
        using (var first = new LmakeRepo(CachedRules(cache.Path)))
        {
            first.Repo.Add("cfg", "v1\n");
            LmakeOutput o = first.Lmake("use1");
            Assert.True(o.Result.ExitCode == 0, o.ToString());
            Assert.Equal(["early_rerun", "done"], o.Words("use1"));   // a miss: it runs, having waited for gen
        }
        using var second = new LmakeRepo(CachedRules(cache.Path));
        second.Repo.Add("cfg", "v1\n");
        LmakeOutput hit = second.Lmake("use1", "use2");
        Assert.True(hit.Result.ExitCode == 0, hit.ToString());
        Assert.Equal(["done"], hit.Words("gen"));
        Assert.Equal(["hit_rerun", "hit_done"], hit.Words("use1"));
        Assert.Equal(["early_rerun", "done"], hit.Words("use2"));   // not in the cache: it runs
        Assert.Equal("1 v1\n", second.Repo.Read("use1"));
        Assert.Equal("2 v1\n", second.Repo.Read("use2"));
        Assert.Empty(second.Lmake("use1", "use2").Jobs);
    }
}
