// Files read while a job's dynamic attributes are computed (rules.md: "file accesses become deps" for the Submit
// and Full attributes: resources, environ, cmd...): made before the job runs (early_rerun when the job had to wait
// for one, or when an attribute computed at start read a file the request had not checked yet), deps of the job
// afterwards (a change computes the attributes again and reruns it with the new values). What only the resources
// read reruns a job in error only, as resources do; what only environ_ancillary reads is no dep at all.
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
        // the computation failed first (ncpu absent): python read the Lmakefile to print the backtrace, a dep too
        Assert.Equal(["new"], o.Words("Lmakefile.py"));
        Assert.Equal("cpu=1\n", r.Repo.Read("work1"));
    }

    private const string ResourceRules = """
        import lmake
        from lmake.rules import Rule
        lmake.manifest = ('Lmakefile.py', 'lic')
        def licence() : return open('lic').read().strip()
        class Tool(Rule):
            targets           = { 'OUT' : r'out_{Mode:\w+}' }
            environ_resources = { 'LIC' : licence }
            cmd = '''
                [ {Mode} = ko ] && exit 1
                [ {Mode} = reads ] && cat lic
                echo ran > {OUT}
            '''
        class Cpus(Rule):
            target    = r'cpus_{N:\d}'
            resources = { 'cpu' : licence }
            cmd       = 'echo {N}'
        class Extra(Rule):
            target            = r'extra_{N:\d}'
            environ_ancillary = { 'LIC' : licence }
            cmd               = 'echo $LIC'
        """;

    [Fact]
    public void AnEnvironReadingASourceNotCheckedYetSaysEarlyRerunOnce()
    {
        using var r = new LmakeRepo(ResourceRules);
        r.Repo.Add("lic", "1\n");
        LmakeOutput o = r.Lmake("out_ok", "out_reads");
        Assert.True(o.Result.ExitCode == 0, o.ToString());
        // the first job to look at lic finds it not checked by this lmake yet: it checks it first; the other finds it checked
        Assert.Equal(1, o.Count("early_rerun"));
        Assert.Equal(2, o.Count("done"));
        Assert.Empty(r.Lmake("out_ok", "out_reads").Jobs);
    }

    [Fact]
    public void ResourcesReadingASourceDoNotSayEarlyRerun()
    {
        using var r = new LmakeRepo(ResourceRules);
        r.Repo.Add("lic", "1\n");
        LmakeOutput o = r.Lmake("cpus_1");
        Assert.True(o.Result.ExitCode == 0, o.ToString());
        Assert.Equal(["done"], o.Words("cpus_1"));   // computed before submission: waiting for nothing, it says nothing
        Assert.Equal(0, o.Count("early_rerun"));
    }

    [Fact]
    public void AFileOnlyTheResourcesReadRerunsOnlyTheJobsInError()
    {
        using var r = new LmakeRepo(ResourceRules);
        r.Repo.Add("lic", "1\n");
        Assert.Equal(1, r.Lmake("out_ok", "out_reads", "out_ko", "cpus_1").Result.ExitCode);
        r.Repo.Write("lic", "2\n");
        LmakeOutput o = r.Lmake("out_ok", "out_reads", "out_ko", "cpus_1");
        Assert.Equal(1, o.Result.ExitCode);
        Assert.Empty(o.Words("out_ok"));               // built right with the old licence: kept
        Assert.Empty(o.Words("cpus_1"));
        Assert.Equal(["failed"], o.Words("out_ko"));   // in error: tried again with the new one
        Assert.Equal(["steady"], o.Words("out_reads"));   // its cmd read lic too: a plain dep
    }

    [Fact]
    public void AFileOnlyEnvironAncillaryReadsIsNoDep()
    {
        using var r = new LmakeRepo(ResourceRules);
        r.Repo.Add("lic", "1\n");
        Assert.Equal(0, r.Lmake("extra_1").Result.ExitCode);
        Assert.Equal("1\n", r.Repo.Read("extra_1"));
        r.Repo.Write("lic", "2\n");
        LmakeOutput o = r.Lmake("extra_1");
        Assert.True(o.Result.ExitCode == 0, o.ToString());
        Assert.Empty(o.Jobs);   // not managed (rules.md): no rerun for it
        Assert.Equal("1\n", r.Repo.Read("extra_1"));
    }
}
