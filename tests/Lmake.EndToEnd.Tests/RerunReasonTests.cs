// Reasons to run a job again that come from the rule or the command line, seen through the installed lmake:
// force (every request runs the job, and the first one after force is dropped too), and -I after a run that kept
// an incremental target (open-lmake's rules.md and lmake man page).
namespace Lmake.EndToEnd.Tests;

public class RerunReasonTests
{
    private static string Forced(bool force) => $$"""
        from lmake.rules import Rule
        class Copy(Rule):
            targets = {'DST': r'{F:.*}.copy'}
            deps    = {'SRC': '{F}'}
            force   = {{(force ? "True" : "False")}}
            cmd     = 'cat {SRC} > {DST}'
        """;

    [Fact]
    public void ForcedJobRunsAtEveryRequestAndOnceMoreWhenForceIsDropped()
    {
        using var r = new LmakeRepo(Forced(true));
        r.Repo.Add("a", "x\n");
        Assert.Equal(["done"], r.Lmake("a.copy").Words("a.copy"));
        Assert.Equal(["steady"], r.Lmake("a.copy").Words("a.copy"));   // run again: same content

        r.Repo.Add("Lmakefile.py", Forced(false));
        Assert.Equal(["steady"], r.Lmake("a.copy").Words("a.copy"));   // its last run was forced
        Assert.Empty(r.Lmake("a.copy").Words("a.copy"));
    }

    private const string Incremental = """
        from lmake.rules import Rule
        class Copy(Rule):
            targets = {'DST': (r'{F:.*}.copy', 'incremental')}
            deps    = {'SRC': '{F}'}
            cmd     = 'cp {SRC} {DST}'
        """;

    [Fact]
    public void IgnoreIncrementalRerunsOnlyAJobWhoseLastRunKeptATarget()
    {
        using var r = new LmakeRepo(Incremental);
        r.Repo.Add("a", "x\n");
        Assert.Equal(["done"], r.Lmake("a.copy").Words("a.copy"));
        Assert.Empty(r.Lmake("-I", "a.copy").Words("a.copy"));   // nothing was there before its run

        r.Repo.Write("a", "y\n");
        Assert.Equal(["done"], r.Lmake("a.copy").Words("a.copy"));   // a.copy kept while it ran
        Assert.Equal(["steady"], r.Lmake("-I", "a.copy").Words("a.copy"));
        Assert.Empty(r.Lmake("-I", "a.copy").Words("a.copy"));
    }
}
