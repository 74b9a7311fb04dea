// Reasons to run a job again that come from the rule or the command line, seen through the installed lmake:
// force (every request runs the job, and the first one after force is dropped too), -I after a run that kept
// an incremental target, and a rule whose cmd's constants or targets' flags changed (open-lmake's rules.md and
// lmake man page).
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

    [Fact]
    public void A_constant_of_the_lmakefile_substituted_in_the_cmd_changes_the_cmd()
    {
        const string Rules = """
            from lmake.rules import Rule
            level = LEVEL
            class Gen(Rule):
                target = 'gen'
                cmd    = 'echo {level}'
            """;
        using var r = new LmakeRepo(Rules.Replace("LEVEL", "1"));
        Assert.Equal(0, r.Lmake("gen").Result.ExitCode);
        r.Repo.Add("Lmakefile.py", Rules.Replace("LEVEL", "2"));
        Assert.Equal(["done"], r.Lmake("gen").Words("gen"));
        Assert.Equal("2\n", r.Repo.Read("gen"));
    }

    [Fact]
    public void A_target_made_phony_reruns_its_job()
    {
        const string Rules = """
            from lmake.rules import Rule
            class Gen(Rule):
                targets = {'T': ('gen', FLAGS)}
                cmd     = 'echo x > {T}'
            """;
        using var r = new LmakeRepo(Rules.Replace("FLAGS", "'essential'"));
        Assert.Equal(0, r.Lmake("gen").Result.ExitCode);
        r.Repo.Add("Lmakefile.py", Rules.Replace("FLAGS", "'phony'"));
        Assert.Equal(["steady"], r.Lmake("gen").Words("gen"));
    }
}
