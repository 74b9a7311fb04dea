// Which waiting job starts first (backends.md: the eligible job of highest pressure, the pressure being the time
// still needed through it to reach the asked targets, from the times of earlier runs). With one job at a time, a
// chain of slow jobs is started before quick independent jobs asked first, once lmake knows their times.
namespace Lmake.EndToEnd.Tests;

public class JobPressureTests
{
    private const string Rules = """
        import lmake
        from lmake.rules import Rule
        lmake.manifest = ('Lmakefile.py', 'src')
        class Quick(Rule):
            target = r'quick{N:\d}'
            dep    = 'src'
            cmd    = 'cat ; sleep 0.3'
        class Slow(Rule):
            target = r'slow{N:\d}'
            cmd    = 'cat {"src" if N=="1" else "slow"+str(int(N)-1)} ; sleep 0.6'
        class All(Rule):
            target = 'all'
            deps   = {'Q1': 'quick1', 'Q2': 'quick2', 'Q3': 'quick3', 'S': 'slow3'}
            cmd    = 'cat {Q1} {Q2} {Q3} {S}'
        """;

    private static List<string> DoneOrder(LmakeOutput o) =>
        o.Statuses.Where(s => s.Word == "done").Select(s => s.Name).ToList();

    [Fact]
    public void WithOneJobAtATimeTheLongChainGoesBeforeTheQuickJobsOnceItsTimesAreKnown()
    {
        using var r = new LmakeRepo(Rules);
        r.Repo.Add("src", "v1\n");
        LmakeOutput first = r.Lmake("-j", "1", "all");
        Assert.True(first.Result.ExitCode == 0, first.ToString());
        // nothing known yet: the jobs go in the order they are asked
        Assert.Equal(["quick1", "quick2", "quick3"], DoneOrder(first).Take(3));
        r.Repo.Write("src", "v2\n");
        LmakeOutput second = r.Lmake("-j", "1", "all");
        Assert.True(second.Result.ExitCode == 0, second.ToString());
        // quick1 was asked first and found the backend free; while it ran the others were asked, and the chain
        // (about 1.8 s still needed through slow1) passes quick2 and quick3 (0.3 s each). (slow2 can only be asked
        // once slow1 is over, after the slot it freed went to a waiting quick job.)
        List<string> order = DoneOrder(second);
        Assert.Equal(["quick1", "slow1"], order.Take(2));
        Assert.Equal(7, order.Count);
        Assert.Equal("v2\nv2\nv2\nv2\n", r.Repo.Read("all"));
    }
}
