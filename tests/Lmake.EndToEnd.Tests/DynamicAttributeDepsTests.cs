// Files read while a job's dynamic attributes are computed (rules.md: "file accesses become deps" for the Submit
// and Full attributes: resources, environ, cmd...): made before the job runs (early_rerun when the job had to wait
// for one), deps of the job afterwards (a change computes the attributes again and reruns it with the new values).
namespace Lmake.EndToEnd.Tests;

public class DynamicAttributeDepsTests
{
    private const string Rules = """
        import lmake
        from lmake.rules import Rule
        lmake.manifest = ('Lmakefile.py', 'cfg')
        class Gen(Rule):
            target = 'gen'
            dep    = 'cfg'
            cmd    = 'cat ; echo made'
        class Use(Rule):
            target  = r'use{N:\d}'
            environ = { 'FROM_SRC' : "{open('cfg').read().strip()}" , 'FROM_GEN' : "{open('gen').read().split()[0]}" }
            cmd     = 'echo $FROM_SRC $FROM_GEN'
        """;

    [Fact]
    public void AGeneratedFileAnEnvironReadsIsMadeFirstAndTheJobWaitsForIt()
    {
        using var r = new LmakeRepo(Rules);
        r.Repo.Add("cfg", "v1\n");
        LmakeOutput o = r.Lmake("use1");
        Assert.True(o.Result.ExitCode == 0, o.ToString());
        Assert.Equal(["done"], o.Words("gen"));
        Assert.Equal(["early_rerun", "done"], o.Words("use1"));
        Assert.Equal("v1 v1\n", r.Repo.Read("use1"));
        Assert.Empty(r.Lmake("use1").Jobs);   // nothing left to do
    }

    [Fact]
    public void EditingAFileAnEnvironReadRerunsTheJobWithTheNewValue()
    {
        using var r = new LmakeRepo(Rules);
        r.Repo.Add("cfg", "v1\n");
        Assert.Equal(0, r.Lmake("use1").Result.ExitCode);
        r.Repo.Write("cfg", "v2\n");
        LmakeOutput o = r.Lmake("use1");
        Assert.True(o.Result.ExitCode == 0, o.ToString());
        Assert.Equal(["done"], o.Words("use1"));   // gen was made before the job was looked at: no wait
        Assert.Equal("v2 v2\n", r.Repo.Read("use1"));
        LmakeOutput again = r.Lmake("use1");
        Assert.Empty(again.Jobs);
        Assert.Equal("v2 v2\n", r.Repo.Read("use1"));
    }

    [Fact]
    public void ResourcesComputedFromAGeneratedFileWaitForIt()
    {
        using var r = new LmakeRepo("""
            import lmake
            from lmake.rules import Rule
            def cpus() : return open('ncpu').read().strip()
            class NCpu(Rule):
                target = 'ncpu'
                cmd    = 'echo 1'
            class Work(Rule):
                target    = r'work{N:\d}'
                resources = { 'cpu' : cpus }
                cmd       = 'echo cpu={cpu}'
            """);
        LmakeOutput o = r.Lmake("work1");
        Assert.True(o.Result.ExitCode == 0, o.ToString());
        Assert.Equal(["done"], o.Words("ncpu"));
        Assert.Equal(["early_rerun", "done"], o.Words("work1"));
        Assert.Equal("cpu=1\n", r.Repo.Read("work1"));
    }
}
