// The local backend's resources (spec A2 `resources`, D `local`): jobs wait for what they ask, a demand the
// backend cannot meet fails the job with a note, and what a job held is given back however it ends.
using System.Diagnostics;

namespace Lmake.EndToEnd.Tests;

public class ResourceTests
{
    /// <summary>A rule whose jobs log their start and end outside the repo (no dep, no target), around a sleep.</summary>
    private static string LoggingLmakefile(string log, string config, string resources) => $$"""
        import lmake
        from lmake.rules import Rule
        lmake.config.backends.local = {{config}}
        class Logged(Rule):
            targets   = {'T': r'{F:.*}.t'}
            resources = {{resources}}
            cmd       = 'echo start {F} >> {{log}}; sleep 0.3; echo end {F} >> {{log}}; echo {F} > {T}'
        """;

    /// <summary>Runs lmake on <paramref name="args"/> in a repo of the logging rule; checks it succeeded and
    /// returns its output and the log's lines.</summary>
    private static (LmakeOutput Output, string[] Log) RunLogged(string config, string resources, params string[] args)
    {
        using var logs = new TempDir();
        using var r = new LmakeRepo(LoggingLmakefile(logs["log"], config, resources));
        LmakeOutput o = r.Lmake(args);
        Assert.True(o.Result.ExitCode == 0, o.ToString());
        return (o, File.ReadAllLines(logs["log"]));
    }

    /// <summary>The log's lines alternate start/end: never two jobs at once.</summary>
    private static void AssertOneAtATime(string[] lines, int jobs)
    {
        Assert.Equal(2 * jobs, lines.Length);
        for (int i = 0; i < lines.Length; i += 2)
        {
            Assert.StartsWith("start ", lines[i]);
            Assert.Equal("end " + lines[i][6..], lines[i + 1]);
        }
    }

    [Fact]
    public void JobsAskingTheOnlyGpuRunOneAtATimeWhateverTheJobCount()
    {
        var (o, log) = RunLogged("{'cpu': 2, 'gpu': 1}", "{'gpu': 1}", "-j", "4", "a.t", "b.t", "c.t");
        Assert.Equal(3, o.Jobs.Count(s => s.Word == "done"));
        AssertOneAtATime(log, 3);
    }

    [Fact]
    public void JobsAskingEveryCpuRunOneAtATime()
    {
        AssertOneAtATime(RunLogged("{'cpu': 2}", "{'cpu': 2}", "-j", "4", "a.t", "b.t", "c.t").Log, 3);
    }

    [Fact]
    public void JobsOfOneCpuOnTwoCpusRunTwoAtATime()
    {
        string[] lines = RunLogged("{'cpu': 2}", "{'cpu': 1}", "-j", "4", "a.t", "b.t").Log;
        Assert.StartsWith("start ", lines[0]);
        Assert.StartsWith("start ", lines[1]);   // the second started before the first ended
    }

    [Fact]
    public void DashJStillCapsTheJobsRunningAtOnce()
    {
        AssertOneAtATime(RunLogged("{'cpu': 4}", "{'cpu': 1}", "-j", "1", "a.t", "b.t", "c.t").Log, 3);
    }

    [Fact]
    public void AResourceTheBackendHasNotFailsTheJobWithANote()
    {
        using var r = new LmakeRepo("""
            from lmake.rules import Rule
            class NeedsGpu(Rule):
                targets   = {'T': r'{F:.*}.t'}
                resources = {'gpu': 1}
                cmd       = 'echo x > {T}'
            """);
        LmakeOutput o = r.Lmake("a.t");
        Assert.Equal(1, o.Result.ExitCode);
        Assert.Equal([("failed", "NeedsGpu")], o.Jobs.Select(s => (s.Word, s.Rule)));
        Assert.Contains("  resource gpu is not provided by the local backend", o.Other);
        Assert.False(File.Exists(r.Repo["a.t"]));
    }

    [Fact]
    public void ADemandAboveTheCapacityFailsTheJobWithANote()
    {
        using var r = new LmakeRepo("""
            import lmake
            from lmake.rules import Rule
            lmake.config.backends.local = {'cpu': 2, 'mem': '1G'}
            class Big(Rule):
                targets   = {'T': r'{F:.*}.t'}
                resources = {'cpu': 8}
                cmd       = 'echo x > {T}'
            class Fat(Rule):
                targets   = {'T': r'{F:.*}.m'}
                resources = {'mem': '2G'}
                cmd       = 'echo x > {T}'
            """);
        LmakeOutput o = r.Lmake("a.t");
        Assert.Equal(1, o.Result.ExitCode);
        Assert.Equal([("failed", "Big")], o.Jobs.Select(s => (s.Word, s.Rule)));
        Assert.Contains("  needs 8 cpu, local backend has 2", o.Other);
        LmakeOutput m = r.Lmake("a.m");
        Assert.Equal(1, m.Result.ExitCode);
        Assert.Contains("  needs 2048M mem, local backend has 1024M", m.Other);
    }

    [Fact]
    public void AnAmountThatIsNoNumberFailsTheJobNamingRuleAndResource()
    {
        using var r = new LmakeRepo("""
            from lmake.rules import Rule
            class Odd(Rule):
                targets   = {'T': r'{F:.*}.t'}
                resources = {'cpu': 'abc'}
                cmd       = 'echo x > {T}'
            """);
        LmakeOutput o = r.Lmake("a.t");
        Assert.Equal(1, o.Result.ExitCode);
        Assert.Equal([("failed", "Odd")], o.Jobs.Select(s => (s.Word, s.Rule)));
        Assert.Contains("  rule Odd : resource cpu = 'abc' is not a whole number", o.Other);
    }

    [Fact]
    public void MemWithAUnitIsAcceptedAndTheJobSeesItsResources()
    {
        using var r = new LmakeRepo("""
            import lmake
            from lmake.rules import Rule
            lmake.config.backends.local = {'cpu': 2, 'mem': '4G'}
            class Sized(Rule):
                targets           = {'T': r'{F:.*}.t'}
                resources         = {'cpu': 2, 'mem': '1G'}
                environ_resources = {'JOB_MEM': '{mem}', 'JOB_CPU': '{cpu}'}
                cmd               = 'echo $JOB_CPU $JOB_MEM make -j{cpu} > {T}'
            """);
        LmakeOutput o = r.Lmake("a.t");
        Assert.True(o.Result.ExitCode == 0, o.ToString());
        Assert.Equal("2 1G make -j2\n", r.Repo.Read("a.t"));
        CommandResult info = r.Repo.Run("lshow", "-i", "a.t");
        Assert.Contains("  mem : 1G", info.Stdout.Split('\n'));
        Assert.Contains("  cpu : 2", info.Stdout.Split('\n'));
    }

    [Fact]
    public void APythonCmdSeesItsResourcesAsGlobals()
    {
        using var r = new LmakeRepo("""
            from lmake.rules import PyRule
            class Py(PyRule):
                target    = r'{F:.*}.t'
                resources = {'cpu': 1, 'mem': '{F}M'}
                def cmd():
                    print(cpu, mem)
            """);
        LmakeOutput o = r.Lmake("100.t");
        Assert.True(o.Result.ExitCode == 0, o.ToString());
        Assert.Equal("1 100M\n", r.Repo.Read("100.t"));
    }

    [Fact]
    public void WhatAFailedJobHeldIsGivenBack()
    {
        using var r = new LmakeRepo("""
            import lmake
            from lmake.rules import Rule
            lmake.config.backends.local = {'cpu': 4, 'gpu': 1}
            class Gpu(Rule):
                targets   = {'T': r'{F:.*}.t'}
                resources = {'gpu': 1}
                cmd       = '[ {F} != bad ] && echo {F} > {T}'
            """);
        CommandResult result = Installed.Run(Installed.Bin("lmake"), ["-j", "4", "bad.t", "a.t", "b.t"], r.Repo.Path, timeout: TimeSpan.FromSeconds(60));
        var o = new LmakeOutput(result);
        Assert.Equal(1, result.ExitCode);
        Assert.Equal(["failed"], o.Words("bad.t"));
        Assert.Equal(["done"], o.Words("a.t"));
        Assert.Equal(["done"], o.Words("b.t"));
    }

    [Fact]
    public void WhatAnInterruptedJobHeldIsGivenBackToTheJobsWaiting()
    {
        using var flags = new TempDir();
        using var r = new LmakeRepo($$"""
            import lmake
            from lmake.rules import Rule
            lmake.config.backends.local = {'cpu': 4, 'gpu': 1}
            class Gpu(Rule):
                targets   = {'T': r'{F:.*}.t'}
                resources = {'gpu': 1}
                cmd       = 'touch {{flags.Path}}/{F}.started; for i in $(seq 300); do [ -e {{flags.Path}}/{F}.go ] && break; sleep 0.1; done; echo {F} > {T}'
            """);
        using Process holder = StartLmake(r, "holder.t");
        Assert.True(WaitFor(() => File.Exists(flags["holder.started"])), "the first job started");
        using Process waiter = StartLmake(r, "waiter.t");
        File.WriteAllText(flags["waiter.go"], "");   // the waiter's job ends at once when it runs
        Thread.Sleep(1000);
        Assert.False(File.Exists(flags["waiter.started"]), "the second job waits for the gpu");
        Installed.Run("/bin/kill", ["-INT", holder.Id.ToString()]);
        Assert.True(holder.WaitForExit(10_000));
        Assert.True(waiter.WaitForExit(30_000), "the gpu was given back: the second job ran");
        string output = waiter.StandardOutput.ReadToEnd();
        Assert.True(waiter.ExitCode == 0, output);
        Assert.Equal("waiter\n", r.Repo.Read("waiter.t"));
    }

    private static Process StartLmake(LmakeRepo r, params string[] args)
    {
        var psi = new ProcessStartInfo(Installed.Bin("lmake"), args)
        {
            WorkingDirectory = r.Repo.Path, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        psi.Environment.Remove("LMAKE_ARGS");
        return Process.Start(psi)!;
    }

    private static bool WaitFor(Func<bool> condition)
    {
        for (var clock = Stopwatch.StartNew(); clock.Elapsed < TimeSpan.FromSeconds(30); Thread.Sleep(50))
            if (condition()) return true;
        return false;
    }
}
