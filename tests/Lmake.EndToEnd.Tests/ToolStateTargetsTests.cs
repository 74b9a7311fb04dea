// A job that runs a build tool keeping its own state in incremental targets (cargo: a lock and fingerprints opened
// for reading and writing, created if missing, a session file under a new name at each run): the tool's files are
// the job's targets, made in one run; a next run that makes the same output is steady, whatever new entries the tool
// added to its state (rules.md: an incremental target acts as a cache); the autodep method is no part of the command.
namespace Lmake.EndToEnd.Tests;

public class ToolStateTargetsTests
{
    private const string Tool = """
        import os, time
        os.makedirs('state', exist_ok=True)
        os.close(os.open('state/lock', os.O_RDWR | os.O_CREAT, 0o644))
        os.close(os.open(f'state/session.{time.time_ns()}', os.O_RDWR | os.O_CREAT, 0o644))
        open('state/log', 'a+').close()
        open('out', 'w').write(open('src').read().upper())
        """;

    private static LmakeRepo Repo(string autodep)
    {
        var r = new LmakeRepo($$"""
            from lmake.rules import Rule
            class Build(Rule):
                targets = {'OUT': 'out', 'STATE': (r'state/{N*:.*}', 'incremental')}
                deps    = {'SRC': 'src'}
                autodep = '{{autodep}}'
                cmd     = 'python3 tool.py'
            """);
        r.Repo.Add("tool.py", Tool);
        r.Repo.Add("src", "abc\n");
        return r;
    }

    [Theory]
    [InlineData("ld_preload")]
    [InlineData("ptrace")]
    public void TheToolRunsOnceAndAgainSteadyWhenItsOutputIsTheSame(string autodep)
    {
        using LmakeRepo r = Repo(autodep);
        LmakeOutput first = r.Lmake("out");
        Assert.True(first.Result.ExitCode == 0, first.ToString());
        Assert.Equal(["done"], first.Jobs.Select(s => s.Word));   // no rerun, nothing quarantined
        Assert.False(Directory.Exists(r.Repo["LMAKE/quarantine/state"]));
        Assert.Equal("ABC\n", r.Repo.Read("out"));

        r.Repo.Write("src", "ABC\n");   // another source, the same output
        LmakeOutput second = r.Lmake("out");
        Assert.True(second.Result.ExitCode == 0, second.ToString());
        Assert.Equal(["steady"], second.Jobs.Select(s => s.Word));
        Assert.Equal(2, Directory.GetFiles(r.Repo["state"], "session.*").Length);   // kept, and one more
    }

    [Fact]
    public void AnIncrementalTargetRewrittenWithAnotherContentIsNoSteadyRun()
    {
        using var r = new LmakeRepo("""
            from lmake.rules import Rule
            class Count(Rule):
                targets = {'OUT': 'out', 'RUNS': ('runs', 'incremental')}
                deps    = {'SRC': 'src'}
                cmd     = "echo x >> runs ; tr -d ' ' < {SRC} > {OUT}"
            """);
        r.Repo.Add("src", "a b\n");
        Assert.Equal(0, r.Lmake("out").Result.ExitCode);
        r.Repo.Write("src", "ab\n");   // the same out, but runs grew
        LmakeOutput o = r.Lmake("out");
        Assert.True(o.Result.ExitCode == 0, o.ToString());
        Assert.Equal(["done"], o.Jobs.Select(s => s.Word));
        Assert.Equal("x\nx\n", r.Repo.Read("runs"));
    }

    [Fact]
    public void ChangingTheAutodepMethodRunsNoJobAgain()
    {
        using LmakeRepo r = Repo("ld_preload");
        Assert.Equal(0, r.Lmake("out").Result.ExitCode);
        r.Repo.Add("Lmakefile.py", File.ReadAllText(r.Repo["Lmakefile.py"]).Replace("'ld_preload'", "'ptrace'"));
        LmakeOutput o = r.Lmake("out");
        Assert.True(o.Result.ExitCode == 0, o.ToString());
        Assert.Empty(o.Jobs);
        Assert.Contains("was already up-to-date : out", o.Summary);
    }
}
