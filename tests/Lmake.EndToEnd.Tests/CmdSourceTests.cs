// What a job's cmd is made of, as the engine sees it: the value of a global of the Lmakefile it names (its jobs
// run again when that value changes), and a python cmd keeping the Lmakefile's file and lines (a traceback shows
// them, reading the Lmakefile, which then is a dep of the job).
namespace Lmake.EndToEnd.Tests;

public class CmdSourceTests
{
    [Fact]
    public void AGlobalNamedInACmdRerunsItsJobsWhenItChanges()
    {
        using var r = new LmakeRepo("""
            from lmake.rules import Rule
            from level import level
            class Show(Rule):
                target = 'show.txt'
                cmd    = 'echo {level}'
            """);
        r.Repo.Add("level.py", "level = 1\n");
        Assert.Equal(0, r.Lmake("show.txt").Result.ExitCode);
        r.Repo.Write("level.py", "level = 2\n");
        LmakeOutput o = r.Lmake("show.txt");
        Assert.Equal(0, o.Result.ExitCode);
        Assert.Equal(["done"], o.Words("show.txt"));
        Assert.Equal("2\n", r.Repo.Read("show.txt"));
    }

    [Fact]
    public void APythonCmdTracebackShowsTheLmakefileLines()
    {
        using var r = new LmakeRepo("""
            from lmake.rules import PyRule
            class Boom(PyRule):
                target = 'boom.txt'
                def cmd():
                    raise RuntimeError('boom here')
            """);
        LmakeOutput o = r.Lmake("boom.txt");
        Assert.Equal(1, o.Result.ExitCode);
        Assert.Contains(new Status("new", "src", "Lmakefile.py"), o.Statuses);
        Assert.Contains(o.Other, l => l.Contains("Lmakefile.py\", line 5"));
        Assert.Contains(o.Other, l => l.Contains("raise RuntimeError('boom here')"));
    }
}
