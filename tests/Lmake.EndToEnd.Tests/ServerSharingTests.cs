// Several lmake commands on one repo share one server (A9), and a killed server loses no build.
using System.Diagnostics;

namespace Lmake.EndToEnd.Tests;

public class ServerSharingTests
{
    private const string SlowLmakefile = """
        from lmake.rules import Rule
        class Slow(Rule):
            targets = {'T': r'{F:.*}.slow'}
            cmd     = 'echo run >> LMAKE/{F}.runs; sleep 1; echo {F} > {T}'   # LMAKE/ is not tracked: a count per repo
        class Both(Rule):
            targets = {'T': r'{F:.*}.both'}
            deps    = {'A': '{F}1.slow', 'B': '{F}2.slow'}
            cmd     = 'cat {A} {B} > {T}'
        """;

    [Fact]
    public async Task TwoCommandsAtOnceRunEachSharedJobOnce()
    {
        using var r = new LmakeRepo(SlowLmakefile);
        Task<LmakeOutput> firstRun = Task.Run(() => r.Lmake("x.both"));
        Task<LmakeOutput> secondRun = Task.Run(() => r.Lmake("x.both", "x1.slow"));
        LmakeOutput first = await firstRun, second = await secondRun;
        Assert.True(first.Result.ExitCode == 0, first.ToString());
        Assert.True(second.Result.ExitCode == 0, second.ToString());
        Assert.Equal("x1\nx2\n", r.Repo.Read("x.both"));
        string runs1 = r.Repo.Read("LMAKE/x1.runs");
        Assert.Equal("run\n", runs1);
        // the job both wanted ran for one of them: the other joined it (`started`) and then saw it end
        if (first.Words("x1.slow").Contains("done") && second.Words("x1.slow").Contains("done"))
            Assert.Contains("started", first.Words("x1.slow").Concat(second.Words("x1.slow")));
    }

    [Fact]
    public void AServerKilledMidBuildLeavesAStateTheNextLmakeFinishes()
    {
        using var r = new LmakeRepo("""
            from lmake.rules import Rule
            class First(Rule):
                prio    = 1
                targets = {'T': 'step0'}
                cmd     = 'echo 0 > {T}; echo 0 >> {T}'
            class Step(Rule):
                targets = {'T': r'step{N:\d+}'}
                deps    = {'P': 'step{int(N)-1}'}
                cmd     = 'cat {P} > {T}; sleep 0.2; echo {N} >> {T}'
            """);
        var psi = new ProcessStartInfo(Installed.Bin("lmake"), ["step8"]) { WorkingDirectory = r.Repo.Path, RedirectStandardOutput = true };
        using (Process client = Process.Start(psi)!)
        {
            // a few steps are done, one is running (waited for, not timed: a loaded machine may take seconds to start)
            for (var waited = Stopwatch.StartNew(); !File.Exists(r.Repo["step2"]) && waited.Elapsed < TimeSpan.FromSeconds(60);) Thread.Sleep(20);
            string[] server = File.ReadAllLines(r.Repo["LMAKE/server"]);
            Process.GetProcessById(int.Parse(server[1])).Kill();   // SIGKILL
            client.WaitForExit(30_000);
        }
        LmakeOutput o = r.Lmake("step8");
        Assert.True(o.Result.ExitCode == 0, o.ToString());
        Assert.Equal("0\n0\n1\n2\n3\n4\n5\n6\n7\n8\n", r.Repo.Read("step8"));
        Assert.True(o.Jobs.Count(s => s.Word == "done") < 9, "the steps done before the kill are not redone");
        LmakeOutput again = r.Lmake("step8");
        Assert.Empty(again.Jobs);
    }

    // a job long enough to be interrupted while it runs
    private const string SleepTwoLmakefile = """
        from lmake.rules import Rule
        class Slow(Rule):
            targets = {'T': r'{F:.*}.slow'}
            cmd     = 'sleep 2; echo {F} > {T}'
        """;

    private static Process StartLmake(LmakeRepo r, params string[] args)
    {
        var psi = new ProcessStartInfo(Installed.Bin("lmake"), args)
        {
            WorkingDirectory = r.Repo.Path, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        return Process.Start(psi)!;
    }

    private static void Interrupt(Process p) => Installed.Run("/bin/kill", ["-INT", p.Id.ToString()]);

    [Fact]
    public void ControlCOfOneClientKeepsTheJobTheOtherNeeds()
    {
        using var r = new LmakeRepo(SleepTwoLmakefile);
        using Process first = StartLmake(r, "a.slow");
        Thread.Sleep(700);
        using Process second = StartLmake(r, "a.slow");
        Thread.Sleep(500);
        Interrupt(first);
        Assert.True(first.WaitForExit(10_000));
        Assert.Equal(130, first.ExitCode);
        string secondOut = second.StandardOutput.ReadToEnd();
        Assert.True(second.WaitForExit(20_000));
        Assert.True(second.ExitCode == 0, secondOut);
        Assert.Equal("a\n", r.Repo.Read("a.slow"));
    }

    [Fact]
    public void ControlCOfTheOnlyClientKillsItsJob()
    {
        using var r = new LmakeRepo(SleepTwoLmakefile);
        using Process client = StartLmake(r, "b.slow");
        Thread.Sleep(1000);
        Interrupt(client);
        Assert.True(client.WaitForExit(10_000));
        Assert.Equal(130, client.ExitCode);
        Thread.Sleep(2500);                              // past the end the job would have had
        Assert.False(File.Exists(r.Repo["b.slow"]), "the job was killed before it wrote its target");
        LmakeOutput again = r.Lmake("b.slow");           // and the next lmake makes it
        Assert.True(again.Result.ExitCode == 0, again.ToString());
        Assert.Equal("b\n", r.Repo.Read("b.slow"));
    }
}
