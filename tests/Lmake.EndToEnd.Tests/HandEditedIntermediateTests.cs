// A file a job made and another job reads, edited by hand since: while its job's deps are unchanged it is left
// as it is and nothing runs (the readers are checked against what its job made: "up-to-date, therefore no check");
// once a job that reads it must run, it is made again first (a job reads its deps' official content) and the edit is
// quarantined. When its own job runs because one of its deps changed, the edit is moved to LMAKE/quarantine/ on the
// way and said in the summary, not as a status line.
namespace Lmake.EndToEnd.Tests;

public class HandEditedIntermediateTests
{
    private static LmakeRepo Built()
    {
        var r = new LmakeRepo("""
            from lmake.rules import Rule
            class Up(Rule):
                targets = {'U': r'{F:\w+}.up'}
                deps    = {'S': '{F}.txt'}
                cmd     = 'tr a-z A-Z < {S} > {U}'
            class Join(Rule):
                targets = {'J': 'all.txt'}
                deps    = {'A': 'a.up', 'B': 'b.up'}
                cmd     = 'cat {A} {B} > {J}'
            """);
        r.Repo.Add("a.txt", "a\n");
        r.Repo.Add("b.txt", "b\n");
        LmakeOutput o = r.Lmake("all.txt");
        Assert.True(o.Result.ExitCode == 0, o.ToString());
        r.Repo.Write("a.up", "mine\n");
        return r;
    }

    [Fact]
    public void WhileItsJobIsUpToDateNothingRuns()
    {
        using LmakeRepo r = Built();
        LmakeOutput o = r.Lmake("all.txt");
        Assert.True(o.Result.ExitCode == 0, o.ToString());
        Assert.Empty(o.Statuses);
        Assert.Contains("was already up-to-date : all.txt", o.Summary);
        Assert.Equal("mine\n", r.Repo.Read("a.up"));
        Assert.Equal("A\nB\n", r.Repo.Read("all.txt"));
    }

    [Fact]
    public void ItsJobRunForAChangedDepQuarantinesTheEditInTheSummary()
    {
        using LmakeRepo r = Built();
        r.Repo.Write("a.txt", "a2\n");
        LmakeOutput o = r.Lmake("all.txt");
        Assert.True(o.Result.ExitCode == 0, o.ToString());
        Assert.Equal([new Status("changed", "src", "a.txt"), new Status("done", "Up", "a.up"), new Status("done", "Join", "all.txt")],
            o.Statuses);
        Assert.Contains("edited by hand, quarantined : a.up   (see LMAKE/quarantine/a.up)", o.Summary);
        Assert.Equal("mine\n", r.Repo.Read("LMAKE/quarantine/a.up"));
        Assert.Equal("A2\nB\n", r.Repo.Read("all.txt"));
    }

    [Fact]
    public void AReaderThatMustRunGetsItMadeAgainFirst()
    {
        using LmakeRepo r = Built();
        r.Repo.Write("b.txt", "b2\n");
        LmakeOutput o = r.Lmake("all.txt");
        Assert.True(o.Result.ExitCode == 0, o.ToString());
        Assert.Contains(new Status("quarantined", "Up", "a.up"), o.Statuses);   // the edit is why Up runs
        Assert.Equal("mine\n", r.Repo.Read("LMAKE/quarantine/a.up"));
        Assert.Equal("A\n", r.Repo.Read("a.up"));
        Assert.Equal("A\nB2\n", r.Repo.Read("all.txt"));
    }

    [Fact]
    public void AskedItIsMadeAgain()
    {
        using LmakeRepo r = Built();
        LmakeOutput o = r.Lmake("a.up");
        Assert.True(o.Result.ExitCode == 0, o.ToString());
        Assert.Contains(new Status("quarantined", "Up", "a.up"), o.Statuses);
        Assert.Equal("A\n", r.Repo.Read("a.up"));
    }
}
