// Files left by jobs the rules no longer have (spec A4): removed (`unlink`) when as their job left them,
// moved to LMAKE/quarantine/ (`quarantined`) when edited by hand since; files of jobs that still exist stay.
namespace Lmake.EndToEnd.Tests;

public class StaleOutputTests
{
    private const string GenAndProbe = """
        from lmake.rules import Rule
        class Gen(Rule):
            target = 'gen.txt'
            cmd    = 'echo generated'
        class Probe(Rule):
            target = 'probe.txt'
            cmd    = 'if [ -e gen.txt ]; then cat gen.txt; else echo none; fi'
        """;

    private const string ProbeOnly = """
        from lmake.rules import Rule
        class Probe(Rule):
            target = 'probe.txt'
            cmd    = 'if [ -e gen.txt ]; then cat gen.txt; else echo none; fi'
        """;

    [Fact]
    public void OutputOfARemovedRuleIsUnlinkedWhenSeen()
    {
        using var r = new LmakeRepo(GenAndProbe);
        Assert.Equal(0, r.Lmake("gen.txt").Result.ExitCode);
        r.Repo.Add("Lmakefile.py", ProbeOnly);
        LmakeOutput o = r.Lmake("probe.txt");
        Assert.True(o.Result.ExitCode == 0, o.ToString());
        Assert.Contains(new Status("unlink", "Gen", "gen.txt"), o.Statuses);
        Assert.False(File.Exists(r.Repo["gen.txt"]));
        Assert.Equal("none\n", r.Repo.Read("probe.txt"));   // not dangling: the stale file is gone before the job runs
    }

    [Fact]
    public void HandEditedOutputOfARemovedRuleIsQuarantined()
    {
        using var r = new LmakeRepo(GenAndProbe);
        Assert.Equal(0, r.Lmake("gen.txt").Result.ExitCode);
        File.WriteAllText(r.Repo["gen.txt"], "my edit\n");
        r.Repo.Add("Lmakefile.py", ProbeOnly);
        LmakeOutput o = r.Lmake("probe.txt");
        Assert.True(o.Result.ExitCode == 0, o.ToString());
        Assert.Contains(new Status("quarantined", "Gen", "gen.txt"), o.Statuses);
        Assert.False(File.Exists(r.Repo["gen.txt"]));
        Assert.Equal("my edit\n", r.Repo.Read("LMAKE/quarantine/gen.txt"));
        Assert.Equal("none\n", r.Repo.Read("probe.txt"));
    }

    [Fact]
    public void OutputOfARuleWhoseTargetsChangedIsUnlinked()
    {
        using var r = new LmakeRepo(LmakeRepo.CopyLmakefile);
        r.Repo.Add("a", "x\n");
        Assert.Equal(0, r.Lmake("a.copy").Result.ExitCode);
        r.Repo.Add("Lmakefile.py", LmakeRepo.CopyLmakefile.Replace(".copy", ".cpy"));
        LmakeOutput o = r.Lmake("a.copy");
        Assert.Equal(1, o.Result.ExitCode);
        Assert.Contains(new Status("unlink", "Copy", "a.copy"), o.Statuses);
        Assert.Contains("no rule for a.copy", o.Summary);
        Assert.False(File.Exists(r.Repo["a.copy"]));
        Assert.Equal(0, r.Lmake("a.cpy").Result.ExitCode);
    }

    [Fact]
    public void HandEditedTargetOfAFormerProducerIsQuarantinedBeforeTheNewOneRuns()
    {
        using var r = new LmakeRepo("""
            from lmake.rules import Rule
            class Old(Rule):
                target = 'x.out'
                cmd    = 'echo old'
            """);
        Assert.Equal(0, r.Lmake("x.out").Result.ExitCode);
        File.WriteAllText(r.Repo["x.out"], "edited\n");
        r.Repo.Add("Lmakefile.py", """
            from lmake.rules import Rule
            class New(Rule):
                target = 'x.out'
                cmd    = 'echo new'
            """);
        LmakeOutput o = r.Lmake("x.out");
        Assert.True(o.Result.ExitCode == 0, o.ToString());
        Assert.Contains("quarantined", o.Words("x.out"));
        Assert.Equal("edited\n", r.Repo.Read("LMAKE/quarantine/x.out"));
        Assert.Equal("new\n", r.Repo.Read("x.out"));
    }

    [Fact]
    public void UnchangedRulesRemoveNothing()
    {
        using var r = new LmakeRepo(GenAndProbe);
        Assert.Equal(0, r.Lmake("gen.txt").Result.ExitCode);
        LmakeOutput o = r.Lmake("probe.txt");
        Assert.True(o.Result.ExitCode == 0, o.ToString());
        Assert.DoesNotContain("unlink", o.Statuses.Select(s => s.Word));
        Assert.Equal("generated\n", r.Repo.Read("probe.txt"));
        Assert.Equal("generated\n", r.Repo.Read("gen.txt"));
    }
}
