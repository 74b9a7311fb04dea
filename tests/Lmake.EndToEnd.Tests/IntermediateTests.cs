// Intermediate files deleted by hand (spec A4, lmake -a): not remade while nothing needs their content; remade
// when asked, with -a, or when a job that reads them must run.
namespace Lmake.EndToEnd.Tests;

public class IntermediateTests
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
        File.Delete(r.Repo["a.up"]);
        return r;
    }

    [Fact]
    public void ADeletedIntermediateIsNotRemadeWhileNothingNeedsIt()
    {
        using LmakeRepo r = Built();
        LmakeOutput o = r.Lmake("all.txt");
        Assert.True(o.Result.ExitCode == 0, o.ToString());
        Assert.Empty(o.Jobs);
        Assert.Contains("was already up-to-date : all.txt", o.Summary);
        Assert.False(File.Exists(r.Repo["a.up"]));
    }

    [Fact]
    public void ArchiveRemakesDeletedIntermediates()
    {
        using LmakeRepo r = Built();
        LmakeOutput o = r.Lmake("-a", "all.txt");
        Assert.True(o.Result.ExitCode == 0, o.ToString());
        Assert.Equal(["Up"], o.Jobs.Select(s => s.Rule));   // the same content: Join does not run
        Assert.Equal("A\n", r.Repo.Read("a.up"));
    }

    [Fact]
    public void AnAskedIntermediateIsRemade()
    {
        using LmakeRepo r = Built();
        LmakeOutput o = r.Lmake("a.up");
        Assert.True(o.Result.ExitCode == 0, o.ToString());
        Assert.Equal("A\n", r.Repo.Read("a.up"));
    }

    [Fact]
    public void ADeletedIntermediateIsRemadeBeforeAJobThatReadsItRuns()
    {
        using LmakeRepo r = Built();
        File.WriteAllText(r.Repo["b.txt"], "b2\n");
        LmakeOutput o = r.Lmake("all.txt");
        Assert.True(o.Result.ExitCode == 0, o.ToString());
        Assert.Equal("A\nB2\n", r.Repo.Read("all.txt"));
        Assert.Equal("A\n", r.Repo.Read("a.up"));
        Assert.Contains(o.Jobs, s => s.Rule == "Join");
    }

    [Fact]
    public void ADeletedIntermediateWhoseSourceChangedIsRemade()
    {
        using LmakeRepo r = Built();
        File.WriteAllText(r.Repo["a.txt"], "a2\n");
        LmakeOutput o = r.Lmake("all.txt");
        Assert.True(o.Result.ExitCode == 0, o.ToString());
        Assert.Equal("A2\nB\n", r.Repo.Read("all.txt"));
    }
}
