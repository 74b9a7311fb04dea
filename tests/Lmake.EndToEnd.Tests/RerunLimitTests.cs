// A job that keeps needing reruns stops (spec A5): at max_submits (`submit_loop`, 10 by default, -M) or at
// max_runs (`run_loop`, -m).
namespace Lmake.EndToEnd.Tests;

public class RerunLimitTests
{
    // each run reads a dep of a new name, not made yet: the job must rerun, and would for ever
    private const string EndlessReruns = """
        from lmake.rules import Rule
        class Dep(Rule):
            target = r'dep_{N:\d+}.txt'
            cmd    = 'echo {N}'
        class Loop(Rule):
            target = 'loop.txt'
            cmd    = 'cat dep_$SEQUENCE_ID.txt'
        """;

    [Fact]
    public void MaxSubmitsStopsEndlessReruns()
    {
        using var r = new LmakeRepo(EndlessReruns);
        LmakeOutput o = r.Lmake("loop.txt");
        Assert.Equal(1, o.Result.ExitCode);
        Assert.Contains(new Status("submit_loop", "Loop", "loop.txt"), o.Statuses);
        // each run announces its rerun with may_rerun (no rerun line of its own): max_submits defaults to 10
        Assert.Equal(10, o.Words("loop.txt").Count(w => w == "may_rerun"));
        Assert.DoesNotContain("rerun", o.Words("loop.txt"));
    }

    [Fact]
    public void MaxRunsOptionStopsEndlessRerunsSooner()
    {
        using var r = new LmakeRepo(EndlessReruns);
        LmakeOutput o = r.Lmake("-m", "3", "loop.txt");
        Assert.Equal(1, o.Result.ExitCode);
        Assert.Contains(new Status("run_loop", "Loop", "loop.txt"), o.Statuses);
        Assert.Equal(3, o.Words("loop.txt").Count(w => w == "may_rerun"));
    }

    [Fact]
    public void MaxSubmitsOption()
    {
        using var r = new LmakeRepo(EndlessReruns);
        LmakeOutput o = r.Lmake("-M", "2", "loop.txt");
        Assert.Equal(1, o.Result.ExitCode);
        Assert.Contains(new Status("submit_loop", "Loop", "loop.txt"), o.Statuses);
        Assert.Equal(2, o.Words("loop.txt").Count(w => w == "may_rerun"));
    }
}
