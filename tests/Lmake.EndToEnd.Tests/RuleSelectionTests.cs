// Which rule makes a file when the rules or the sources change under it (rule_selection.md): a static dep that
// is a file nothing makes keeps its rule from applying, an endless chain of rules fails where it is cut, and a
// job whose target another job rewrote since runs again when it makes that file once more.
namespace Lmake.EndToEnd.Tests;

public class RuleSelectionTests
{
    // Two rules of the same prio make out_X; each needs its own source, and the manifest (which.py) lists only one
    private const string TwoWays = """
        import lmake
        from lmake.rules import Rule
        from which import which
        lmake.manifest = ('Lmakefile.py', 'which.py', which)
        for d in ('left', 'right'):
            class Way(Rule):
                name   = f'Way_{d}'
                target = 'out_{X:.*}'
                deps   = {'SRC': d}
                cmd    = 'cat {SRC}'
        """;

    [Fact]
    public void ARuleWhoseStaticDepIsNotASourceDoesNotApply()
    {
        using var r = new LmakeRepo(TwoWays);
        r.Repo.Add("which.py", "which = 'left'\n");
        r.Repo.Add("left", "L\n");
        r.Repo.Add("right", "R\n");   // there, but not listed: nothing makes it
        LmakeOutput o = r.Lmake("out_a");
        Assert.True(o.Result.ExitCode == 0, o.ToString());
        Assert.Equal([new Status("done", "Way_left", "out_a")], o.Jobs);
        Assert.Equal("L\n", r.Repo.Read("out_a"));
    }

    [Fact]
    public void SwitchingRulesBackRunsTheFirstJobAgainAndTheSourceIsNewAgain()
    {
        using var r = new LmakeRepo(TwoWays);
        r.Repo.Add("which.py", "which = 'left'\n");
        r.Repo.Add("left", "L\n");
        r.Repo.Add("right", "R\n");
        Assert.Equal(0, r.Lmake("out_a").Result.ExitCode);
        r.Repo.Write("which.py", "which = 'right'\n");
        LmakeOutput right = r.Lmake("out_a");
        Assert.Equal([new Status("done", "Way_right", "out_a")], right.Jobs);
        r.Repo.Write("which.py", "which = 'left'\n");
        LmakeOutput back = r.Lmake("out_a");
        // the left job is as it was, but out_a holds what the right one wrote: it runs again
        Assert.Equal([new Status("done", "Way_left", "out_a")], back.Jobs);
        Assert.Equal("L\n", r.Repo.Read("out_a"));
        Assert.Contains(new Status("new", "src", "left"), back.Statuses);
    }

    [Fact]
    public void AnEndlessChainOfRulesFailsWhereItIsCut()
    {
        using var r = new LmakeRepo("""
            import lmake
            from lmake.rules import Rule
            lmake.config.max_dep_depth = 6
            class Grow(Rule):
                target = '{X:.*}z'
                dep    = 'y{X}z'
                cmd    = 'cat'
            """);
        LmakeOutput o = r.Lmake("z");
        Assert.Equal(1, o.Result.ExitCode);
        Status failed = Assert.Single(o.Statuses);
        Assert.Equal("failed", failed.Word);
        Assert.Equal("Grow", failed.Rule);
        Assert.Contains(o.Other, l => l.Contains("max_dep_depth"));
    }

    [Fact]
    public void AMissingFileBelowASourceDirIsNotBuildable()
    {
        // srcd/x.in is not there: below a source dir, that is not buildable, so only FromTop applies (no multi)
        using var r = new LmakeRepo("""
            import lmake
            from lmake.rules import Rule
            lmake.manifest = ('Lmakefile.py', 'srcd/', 'x.top')
            class FromDir(Rule):
                target = r'{X:.*}.out'
                dep    = 'srcd/{X}.in'
                cmd    = 'cat'
            class FromTop(Rule):
                target = r'{X:.*}.out'
                dep    = '{X}.top'
                cmd    = 'cat'
            """);
        r.Repo.Add("x.top", "top\n");
        r.Repo.Add("srcd/y.in", "in\n");
        LmakeOutput o = r.Lmake("x.out");
        Assert.True(o.Result.ExitCode == 0, o.ToString());
        Assert.Equal([new Status("done", "FromTop", "x.out")], o.Jobs);
        Assert.Equal("top\n", r.Repo.Read("x.out"));
    }
}
