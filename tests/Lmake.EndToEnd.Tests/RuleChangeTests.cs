// What stays right when the Lmakefile changes between two lmake commands: a target that was a directory of
// targets of the old rules is cleared for the new job; a file that stops being a source and becomes one again
// is `new` again; a job whose attribute failed to compute depends on the files of its backtrace.
namespace Lmake.EndToEnd.Tests;

public class RuleChangeTests
{
    [Fact]
    public void ADirectoryOfOldTargetsInTheWayOfANewTargetIsCleared()
    {
        using var r = new LmakeRepo("""
            from lmake.rules import Rule
            from layout import nested
            class Dut(Rule):
                target = 'out/inner' if nested else 'out'
                cmd    = 'echo made'
            """);
        r.Repo.Add("layout.py", "nested = True\n");
        LmakeOutput o = r.Lmake("out/inner");
        Assert.True(o.Result.ExitCode == 0, o.ToString());
        r.Repo.Write("layout.py", "nested = False\n");
        o = r.Lmake("out");
        Assert.True(o.Result.ExitCode == 0, o.ToString());
        Assert.Equal(["done"], o.Words("out"));
        Assert.Equal("made\n", r.Repo.Read("out"));
    }

    [Fact]
    public void AFileListedAsSourceAgainIsNewAgain()
    {
        using var r = new LmakeRepo("""
            import lmake
            from lmake.rules import Rule
            from which import name
            lmake.manifest = ('Lmakefile.py', 'which.py', name)
            class Copy(Rule):
                target = 'copy'
                dep    = name
                cmd    = 'cat'
            """);
        r.Repo.Add("which.py", "name = 'a'\n");
        r.Repo.Add("a", "A\n");
        r.Repo.Add("b", "B\n");
        Assert.Equal(["new"], r.Lmake("copy").Words("a"));
        r.Repo.Write("which.py", "name = 'b'\n");
        Assert.Equal(["new"], r.Lmake("copy").Words("b"));
        r.Repo.Write("which.py", "name = 'a'\n");
        LmakeOutput o = r.Lmake("copy");
        Assert.True(o.Result.ExitCode == 0, o.ToString());
        Assert.Equal(["new"], o.Words("a"));          // not a source in between: what was seen of it then says nothing
        Assert.Equal("A\n", r.Repo.Read("copy"));
    }

    [Fact]
    public void AJobWhoseAttributeFailedDependsOnTheFilesOfTheBacktrace()
    {
        using var r = new LmakeRepo("""
            from lmake.rules import Rule
            def value():
                import not_importable_here
            class Dut(Rule):
                target  = 'dut'
                environ = {'V': value}
                cmd     = 'echo $V'
            """);
        LmakeOutput o = r.Lmake("dut");
        Assert.Equal(1, o.Result.ExitCode);
        // the backtrace's files are read by the computation: checked before the job fails (early_rerun), new sources
        Assert.Equal(["early_rerun", "failed"], o.Words("dut"));
        Assert.Equal(["new"], o.Words("Lmakefile.py"));
    }
}
