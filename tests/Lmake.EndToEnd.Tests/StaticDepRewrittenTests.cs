// A static dep found up to date may be rewritten a moment later by a run of its job, started for another dep of
// the same lmake (here a sibling target deleted by hand): the job that needs it waits for that run to end.
namespace Lmake.EndToEnd.Tests;

public class StaticDepRewrittenTests
{
    [Fact]
    public void AJobWaitsForTheRunRewritingItsStaticDep()
    {
        using var r = new LmakeRepo("""
            from lmake.rules import Rule
            class Pair(Rule):
                targets = {'ONE': 'one.txt', 'TWO': 'two.txt'}
                cmd     = 'sleep 2 ; echo 1 >{ONE} ; echo 2 >{TWO}'
            class Slow(Rule):
                target = 'slow.txt'
                cmd    = 'sleep 1'
            class NeedsOne(Rule):
                target = 'needs_one.txt'
                cmd    = 'cat one.txt'
            class NeedsTwo(Rule):
                target = 'needs_two.txt'
                deps   = {'SLOW': 'slow.txt', 'TWO': 'two.txt'}
                cmd    = 'cat {TWO}'
            class Top(Rule):
                target = 'top.txt'
                deps   = {'A': 'needs_one.txt', 'B': 'needs_two.txt'}
                cmd    = 'cat {A} {B}'
            """);
        Assert.Equal(0, r.Lmake("one.txt").Result.ExitCode);
        File.Delete(r.Repo["one.txt"]);   // two.txt stays, up to date
        // needs_one.txt discovers one.txt and runs Pair again (2s), which clears two.txt while needs_two.txt,
        // having found two.txt up to date, waits for slow.txt (1s)
        LmakeOutput o = r.Lmake("top.txt");
        Assert.True(o.Result.ExitCode == 0, o.ToString());
        Assert.Equal(["done"], o.Words("needs_two.txt"));
        Assert.Equal("1\n2\n", r.Repo.Read("top.txt"));
    }

    [Fact]
    public void ADirNamedWithLdependReaddirOkNeedNotBeBuildable()
    {
        using var r = new LmakeRepo("""
            from lmake.rules import Rule
            class List(Rule):
                target = 'list.txt'
                cmd    = 'ldepend -D d ; ls d'
            """);
        r.Repo.Add("d/f", "");
        LmakeOutput o = r.Lmake("list.txt");
        Assert.True(o.Result.ExitCode == 0, o.ToString());
        Assert.Equal("f\n", r.Repo.Read("list.txt"));
    }
}
