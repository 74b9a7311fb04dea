// What lmake does with the targets typed on its command line: none at all, and ones outside the repo.
namespace Lmake.EndToEnd.Tests;

public class TargetArgumentTests
{
    private const string OneRule = """
        from lmake.rules import Rule
        class A(Rule):
            target = 'a'
            cmd    = 'echo a'
        """;

    [Fact]
    public void NoTargetReadsTheLmakefileBuildsNothingAndSucceeds()
    {
        using var r = new LmakeRepo(OneRule);
        LmakeOutput o = r.Lmake();
        Assert.True(o.Result.ExitCode == 0, o.ToString());
        Assert.Empty(o.Jobs);
        Assert.False(File.Exists(r.Repo["a"]));
        Assert.True(Directory.Exists(r.Repo["LMAKE"]));   // the server read the Lmakefile
    }

    [Fact]
    public void NoTargetStillReportsABrokenLmakefile()
    {
        using var r = new LmakeRepo(OneRule + "class B(\n");
        LmakeOutput o = r.Lmake();
        Assert.Equal(8, o.Result.ExitCode);
        Assert.Contains("Lmakefile.py:4", o.Result.Stderr);
    }

    [Fact]
    public void ATargetOutsideTheRepoIsAStatusLineAndFailsTheCommand()
    {
        using var r = new LmakeRepo(OneRule);
        LmakeOutput o = r.Lmake("../elsewhere", "a");
        Assert.Equal(1, o.Result.ExitCode);
        Assert.StartsWith("target ../elsewhere is outside the repo", o.Result.Stdout);
        Assert.False(File.Exists(r.Repo["a"]));   // nothing is built when a target cannot be
        LmakeOutput abs = r.Lmake("/elsewhere");
        Assert.Equal(1, abs.Result.ExitCode);
        Assert.Contains("target /elsewhere is outside the repo", abs.Result.Stdout);
    }
}
