// A job saw a dep that changed after it looked (execution.md, rerun: "a dep has been modified during job
// execution"): the dep's own job was still writing it, or the job itself rewrote a dep it had read (a formatter
// with ltarget -s). What it read may be stale: it runs again, once, on the final content.
namespace Lmake.EndToEnd.Tests;

public class DepChangedDuringRunTests
{
    [Fact]
    public void ADepStillBeingWrittenWhenReadRerunsTheReader()
    {
        // slow writes its target in two steps; reader reads it in between, then after: its first run saw half of it
        using var r = new LmakeRepo("""
            from lmake.rules import Rule
            class Slow(Rule):
                target = 'slow'
                cmd    = 'echo first ; sleep 2 ; echo second'
            class Reader(Rule):
                target = 'reader'
                cmd    = 'ldepend slow ; sleep 1 ; cat slow ; sleep 2 ; cat slow'
            """);
        LmakeOutput o = r.Lmake("slow", "reader");
        Assert.True(o.Result.ExitCode == 0, o.ToString());
        Assert.Equal(["rerun", "done"], o.Words("reader"));
        Assert.Equal("first\nsecond\nfirst\nsecond\n", r.Repo.Read("reader"));
    }

    [Fact]
    public void ADepItsJobRewroteWithTheSameContentAfterTheReaderSawItIsNoChange()
    {
        // dep made at step 1; at step 2 Bad runs for the first time, finds dep (may_rerun) as it was, then Dep (its
        // command changed) runs again and rewrites it the same (steady): what Bad read was whole, its failed run
        // stands and is retried (-r2), never rerun for dep
        using var r = new LmakeRepo("""
            import lmake
            from lmake.rules import Rule
            lmake.manifest = ('Lmakefile.py', 'step.py')
            from step import step
            class Dep(Rule):
                target = 'dep'
                cmd    = ': {step}'
            class Bad(Rule):
                target = 'bad'
                cmd    = 'cat dep ; exit 1'
            """);
        r.Repo.Add("step.py", "step = 1\n");
        Assert.Equal(0, r.Lmake("dep").Result.ExitCode);
        r.Repo.Write("step.py", "step = 2\n");
        LmakeOutput o = r.Lmake("-r2", "bad");
        Assert.True(o.Result.ExitCode == 1, o.ToString());
        Assert.Equal(["steady"], o.Words("dep"));
        Assert.True(o.Words("bad").Count(w => w == "failed") == 2 && o.Words("bad").Count(w => w == "retry") == 2, o.ToString());
    }

    [Fact]
    public void AJobRewritingADepItReadRunsAgainOnTheNewContent()
    {
        using var r = new LmakeRepo("""
            from lmake.rules import Rule
            class Fmt(Rule):
                target = r'{File:.*}.fmt'
                deps   = {'SRC': '{File}'}
                cmd    = "ltarget -s {SRC} ; sed -i -e '/^$/ d' {SRC}"
            class Use(Rule):
                target = r'{File:.*}.used'
                deps   = {'FMT': '{File}.fmt'}
                cmd    = 'cat {File}'
            """);
        r.Repo.Add("text", "a\n\nb\n");
        LmakeOutput o = r.Lmake("text.used");
        Assert.True(o.Result.ExitCode == 0, o.ToString());
        Assert.Equal(["rerun", "done"], o.Words("text.fmt"));   // the second run finds nothing to change
        Assert.Equal("a\nb\n", r.Repo.Read("text"));
        Assert.Equal("a\nb\n", r.Repo.Read("text.used"));
        Assert.Empty(r.Lmake("text.used").Jobs);

        // an edit the formatter undoes: the user of the file saw it changed in this lmake, so it runs (the same)
        File.AppendAllText(r.Repo["text"], "\n");
        LmakeOutput edited = r.Lmake("text.used");
        Assert.True(edited.Result.ExitCode == 0, edited.ToString());
        Assert.Equal(["changed"], edited.Words("text"));
        Assert.Equal(["rerun", "steady"], edited.Words("text.fmt"));
        Assert.Equal(["steady"], edited.Words("text.used"));
    }
}
