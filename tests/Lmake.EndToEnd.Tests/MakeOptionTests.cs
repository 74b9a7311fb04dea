// The lmake options that change what is made or what is printed (spec A7): -I, -s, -q, -v, -d, -D.
namespace Lmake.EndToEnd.Tests;

public class MakeOptionTests
{
    [Fact]
    public void IgnoreIncrementalRemovesIncrementalTargetsBeforeTheJobRuns()
    {
        using var r = new LmakeRepo("""
            from lmake.rules import Rule
            class Log(Rule):
                targets = {'T': ('log.txt', 'Incremental')}
                deps    = {'IN': 'in'}
                cmd     = 'cat {IN} >> {T}'
            """);
        r.Repo.Add("in", "a\n");
        Assert.Equal(0, r.Lmake("log.txt").Result.ExitCode);
        File.WriteAllText(r.Repo["in"], "b\n");
        Assert.Equal(0, r.Lmake("log.txt").Result.ExitCode);
        Assert.Equal("a\nb\n", r.Repo.Read("log.txt"));   // incremental: kept and appended to
        File.WriteAllText(r.Repo["in"], "c\n");
        LmakeOutput o = r.Lmake("-I", "log.txt");
        Assert.True(o.Result.ExitCode == 0, o.ToString());
        Assert.Equal("c\n", r.Repo.Read("log.txt"));
    }

    private const string WritesASource = """
        from lmake.rules import Rule
        class Stamp(Rule):
            target = 'out.txt'
            cmd    = 'echo stamped > version.txt; echo ok'
        """;

    [Fact]
    public void WritingASourceFailsUnlessSourceOk()
    {
        using var r = new LmakeRepo(WritesASource);
        r.Repo.Add("version.txt", "1\n");
        LmakeOutput o = r.Lmake("out.txt");
        Assert.Equal(1, o.Result.ExitCode);
        Assert.Contains(new Status("failed", "Stamp", "out.txt"), o.Statuses);
        Assert.Contains("  unexpected write to source version.txt", o.Other);
        o = r.Lmake("-e", "-s", "out.txt");   // -e: a job in error is not run again while nothing changed
        Assert.True(o.Result.ExitCode == 0, o.ToString());
        // the failed run left the same out.txt: steady
        Assert.Contains(new Status("steady", "Stamp", "out.txt"), o.Statuses);
        Assert.Equal("stamped\n", r.Repo.Read("version.txt"));
    }

    [Fact]
    public void QuietPrintsOnlyWhatWentWrong()
    {
        using var r = new LmakeRepo("""
            from lmake.rules import Rule
            class Copy(Rule):
                targets = {'DST': r'{F:.*}.copy'}
                deps    = {'SRC': '{F}'}
                cmd     = 'cat {SRC} > {DST}'
            class Bad(Rule):
                target = 'bad.txt'
                cmd    = 'echo broken >&2; exit 3'
            """);
        r.Repo.Add("a", "x\n");
        LmakeOutput o = r.Lmake("-q", "a.copy");
        Assert.True(o.Result.ExitCode == 0, o.ToString());
        Assert.Empty(o.Statuses);
        Assert.Contains("done    time : ", string.Join("\n", o.Summary));
        Assert.Equal("x\n", r.Repo.Read("a.copy"));
        o = r.Lmake("-q", "bad.txt");
        Assert.Equal(1, o.Result.ExitCode);
        Assert.Equal([new Status("failed", "Bad", "bad.txt")], o.Statuses);
        Assert.Contains("\tbroken", o.Other);
    }

    [Fact]
    public void VerboseSaysWhyEachJobRan()
    {
        using var r = new LmakeRepo(LmakeRepo.CopyLmakefile);
        r.Repo.Add("a", "x\n");
        LmakeOutput o = r.Lmake("-v", "a.copy");
        Assert.True(o.Result.ExitCode == 0, o.ToString());
        Assert.Contains("  reason : never ran", o.Other);
        File.WriteAllText(r.Repo["a"], "y\n");
        o = r.Lmake("-v", "a.copy");
        Assert.Contains("  reason : dep a changed", o.Other);
        o = r.Lmake("a.copy");   // without -v: no reason
        Assert.DoesNotContain(o.Other, l => l.StartsWith("  reason :", StringComparison.Ordinal));
    }

    private const string Chain = """
        from lmake.rules import Rule
        class Bad(Rule):
            target = 'bad.txt'
            cmd    = 'exit 1'
        class Use(Rule):
            target = 'use.txt'
            cmd    = 'cat bad.txt'
        class Top(Rule):
            target = 'top.txt'
            deps   = {'USE': 'use.txt'}
            cmd    = 'cat {USE}'
        """;

    [Fact]
    public void TheErrorTreeFollowsEveryDepByDefault()
    {
        using var r = new LmakeRepo(Chain);
        LmakeOutput o = r.Lmake("top.txt");
        Assert.Equal(1, o.Result.ExitCode);
        Assert.Contains(o.Summary, l => l.StartsWith("Top ", StringComparison.Ordinal) && l.EndsWith("top.txt", StringComparison.Ordinal));
        Assert.Contains(o.Summary, l => l.StartsWith("  Use ", StringComparison.Ordinal) && l.EndsWith("use.txt", StringComparison.Ordinal));
        Assert.Contains(o.Summary, l => l.StartsWith("    Bad ", StringComparison.Ordinal) && l.Contains("bad.txt"));
    }

    [Fact]
    public void EssentialDepsOnlyStopsAtDiscoveredDeps()
    {
        using var r = new LmakeRepo(Chain);
        LmakeOutput o = r.Lmake("-d", "top.txt");
        Assert.Equal(1, o.Result.ExitCode);
        Assert.Contains(o.Summary, l => l.StartsWith("  Use ", StringComparison.Ordinal));   // a static dep: essential
        Assert.DoesNotContain(o.Summary, l => l.Contains("bad.txt"));                        // read while running: not
    }

    [Fact]
    public void NoDepsShowsOnlyTheFailingTargets()
    {
        using var r = new LmakeRepo(Chain);
        LmakeOutput o = r.Lmake("-D", "top.txt");
        Assert.Equal(1, o.Result.ExitCode);
        Assert.Contains(o.Summary, l => l.StartsWith("Top ", StringComparison.Ordinal));
        Assert.DoesNotContain(o.Summary, l => l.Contains("use.txt") || l.Contains("bad.txt"));
    }
}
