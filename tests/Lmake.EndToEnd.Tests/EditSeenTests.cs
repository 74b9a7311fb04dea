// A live server does not lstat files whose directory had no inotify event (Engine/DirectoryWatch): an edit
// made right before a run, or while a run goes on, must still be seen, wherever the file is.
namespace Lmake.EndToEnd.Tests;

public sealed class EditSeenTests
{
    [Fact]
    public void AnEditRightBetweenTwoRunsIsSeenEveryTime()
    {
        using var r = new LmakeRepo(LmakeRepo.CopyLmakefile);
        r.Repo.Add("a", "a0\n");
        r.Repo.Add("sub/dir/b", "b0\n");
        LmakeOutput first = r.Lmake("a.copy", "sub/dir/b.copy");
        Assert.True(first.Result.ExitCode == 0, first.ToString());
        for (int i = 1; i <= 6; i++)
        {
            // same size, so that only the content (and the date) tells the edit
            string file = i % 2 == 0 ? "a" : "sub/dir/b";
            r.Repo.Write(file, $"{file[^1]}{i}\n");
            LmakeOutput o = r.Lmake("a.copy", "sub/dir/b.copy");
            Assert.True(o.Result.ExitCode == 0, o.ToString());
            Assert.Equal(["changed"], o.Words(file));
            Assert.Equal($"{file[^1]}{i}\n", r.Repo.Read(file + ".copy"));
        }
        Assert.Empty(r.Lmake("a.copy", "sub/dir/b.copy").Jobs);
    }

    [Fact]
    public void AFileAppearingInADirectoryThatDidNotExistIsSeen()
    {
        using var r = new LmakeRepo("""
            from lmake.rules import Rule
            class Probe(Rule):
                targets = {'T': r'{F:.*}.probe'}
                cmd     = 'if [ -f deep/er/{F} ]; then cat deep/er/{F}; else echo none; fi > {T}'
            """);
        LmakeOutput first = r.Lmake("x.probe");
        Assert.True(first.Result.ExitCode == 0, first.ToString());
        Assert.Equal("none\n", r.Repo.Read("x.probe"));
        Assert.Empty(r.Lmake("x.probe").Jobs);   // deep/ does not exist: what is watched is the repo root
        r.Repo.Add("deep/er/x", "found\n");
        LmakeOutput again = r.Lmake("x.probe");
        Assert.True(again.Result.ExitCode == 0, again.ToString());
        Assert.Equal("found\n", r.Repo.Read("x.probe"));
        r.Repo.Write("deep/er/x", "edited\n");
        LmakeOutput third = r.Lmake("x.probe");
        Assert.True(third.Result.ExitCode == 0, third.ToString());
        Assert.Equal("edited\n", r.Repo.Read("x.probe"));
    }

    [Fact]
    public async Task AnEditMadeWhileABuildRunsIsSeenByTheJobsCheckedAfterIt()
    {
        // x.slow says it started and waits for the test's go, in a dir outside the repo (no dep): the edit lands while
        // it runs whatever the load of the machine (a fixed delay did not, under a loaded test run)
        using var signals = new TempDir("lmake-edit-seen-");
        string started = Path.Combine(signals.Path, "started"), go = Path.Combine(signals.Path, "go");
        using var r = new LmakeRepo($$"""
            from lmake.rules import Rule
            class Slow(Rule):
                targets = {'T': r'{F:.*}.slow'}
                deps    = {'S': '{F}'}
                cmd     = 'touch {{started}}; while [ ! -e {{go}} ]; do sleep 0.05; done; cat {S} > {T}'
            class Cat(Rule):
                targets = {'T': r'{F:.*}.cat'}
                deps    = {'A': '{F}.slow'}
                cmd     = 'cat {A} side/b > {T}'
            """);
        r.Repo.Add("x", "x0\n");
        r.Repo.Add("side/b", "b0\n");
        File.WriteAllText(go, "");
        LmakeOutput first = r.Lmake("x.cat");
        Assert.True(first.Result.ExitCode == 0, first.ToString());
        Assert.Equal("x0\nb0\n", r.Repo.Read("x.cat"));

        // x.slow runs until told to go; side/b, a dep Cat discovered, is edited meanwhile and checked after
        File.Delete(go);
        File.Delete(started);
        r.Repo.Write("x", "x1\n");
        Task<LmakeOutput> run = Task.Run(() => r.Lmake("x.cat"));
        for (var sw = System.Diagnostics.Stopwatch.StartNew(); !File.Exists(started); await Task.Delay(20))
            Assert.True(sw.Elapsed < TimeSpan.FromSeconds(60) && !run.IsCompleted, "x.slow never started");
        r.Repo.Write("side/b", "b1\n");
        File.WriteAllText(go, "");
        LmakeOutput second = await run;
        Assert.True(second.Result.ExitCode == 0, second.ToString());
        Assert.Equal("x1\nb1\n", r.Repo.Read("x.cat"));
        Assert.Empty(r.Lmake("x.cat").Jobs);
    }
}
