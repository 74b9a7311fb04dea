// The admin commands around the repo's state: a read-only repo with no server (lshow answers, writers are
// refused), lmake_repair after a lost or damaged store, lmake_dump, and a query while a build runs.
using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Lmake.EndToEnd.Tests;

public sealed class AdminStateTests : IDisposable
{
    private readonly AdminRepo _r = new();

    public void Dispose() => _r.Dispose();

    [Fact]
    public void AReadOnlyRepoWithNoServerStillAnswersLshow()
    {
        _r.Build();
        _r.WaitForNoServer();
        Assert.Equal(0, Installed.Shell($"chmod -R a-w '{_r.Repo.Path}'").ExitCode);
        try
        {
            string plain = _r.Out("lshow", "-i", "hello.o");
            Assert.Contains("Compile", plain);
            Assert.Equal("'hello.c'", _r.PythonOf("[d for g in x['hello.o'][('Compile','hello.o','generating')] for d in g][0][3]", "-d", "hello.o"));
            Assert.Equal("hello.c\ninc2/hello.h\n", _r.Out("lshow", "-b", "hello.out"));
            Assert.False(File.Exists(_r.Repo["LMAKE/server"]), "no server was published");

            CommandResult forget = _r.Run("lforget", "hello.o");
            Assert.Equal(7, forget.ExitCode);
            Assert.Contains("read-only", forget.Stderr);
            Assert.Equal(7, _r.Run("lmark", "-a", "-f", "hello.o").ExitCode);
            Assert.Equal(0, _r.Run("lmark", "-l", "-f").ExitCode);
        }
        finally
        {
            Installed.Shell($"chmod -R u+w '{_r.Repo.Path}'");
        }
        LmakeOutput after = _r.Lmake("hello.out");   // nothing was changed by the read-only queries
        Assert.Empty(after.Jobs);
    }

    [Fact]
    public void RepairAfterTheStoreIsDeletedRebuildsNothing()
    {
        _r.Build();
        _r.WaitForNoServer();
        Directory.Delete(_r.Repo["LMAKE/store"], recursive: true);
        CommandResult repair = _r.Run("lmake_repair");
        Assert.True(repair.ExitCode == 0, repair.ToString());
        Assert.Contains("restored 3 jobs from their records, 0 will run again, 0 files quarantined", repair.Stdout);
        LmakeOutput o = _r.Lmake("hello.out");
        Assert.True(o.Result.ExitCode == 0, o.ToString());
        Assert.Empty(o.Jobs);
        Assert.Equal("hello\n", _r.Repo.Read("hello.out"));
    }

    [Fact]
    public void RepairAfterATruncatedStoreQuarantinesAHandEditAndRebuildsOnlyThat()
    {
        _r.Build();
        _r.WaitForNoServer();
        File.WriteAllBytes(_r.Repo["LMAKE/store/jobs"], new byte[10]);
        LmakeOutput refused = _r.Lmake("hello.out");
        Assert.Equal(5, refused.Result.ExitCode);   // a damaged store (README: exit codes)
        Assert.Contains("consider : lmake_repair", refused.Result.Stderr);
        _r.WaitForNoServer();

        File.AppendAllText(_r.Repo["hello.exe"], "hand edit");
        CommandResult repair = _r.Run("lmake_repair");
        Assert.True(repair.ExitCode == 0, repair.ToString());
        Assert.Contains("moved the old store to LMAKE/store.broken", repair.Stdout);
        Assert.Contains("quarantined hello.exe", repair.Stdout);
        Assert.Contains("restored 2 jobs from their records, 1 will run again, 1 file quarantined", repair.Stdout);
        Assert.EndsWith("hand edit", File.ReadAllText(_r.Repo["LMAKE/quarantine/hello.exe"]));

        LmakeOutput o = _r.Lmake("hello.out");
        Assert.True(o.Result.ExitCode == 0, o.ToString());
        Assert.Equal([("done", "Link")], o.Jobs.Select(s => (s.Word, s.Rule)).Where(j => j.Rule != "Run"));
        Assert.Equal("hello\n", _r.Repo.Read("hello.out"));
        LmakeOutput again = _r.Lmake("hello.out");
        Assert.Empty(again.Jobs);
    }

    [Fact]
    public void RepairRefusesWhileAServerRunsAndSaysSo()
    {
        _r.Repo.Add("Lmakefile.py", AdminRepo.Lmakefile + "\nclass Slow(Rule):\n    targets = {'T': r'{F:.*}.slow'}\n    cmd = 'sleep 3; echo > {T}'\n");
        var psi = new ProcessStartInfo(Installed.Bin("lmake"), ["x.slow"]) { WorkingDirectory = _r.Repo.Path, RedirectStandardOutput = true };
        using Process build = Process.Start(psi)!;
        WaitFor(() => File.Exists(_r.Repo["LMAKE/server"]));
        CommandResult repair = _r.Run("lmake_repair");
        Assert.Equal(5, repair.ExitCode);
        Assert.Contains("a server runs", repair.Stderr);
        build.WaitForExit(30_000);
    }

    [Fact]
    public void DumpShowsRulesNodesAndJobs()
    {
        _r.Build();
        CommandResult dump = Installed.Run(Installed.PrivateBin("lmake_dump"), [], _r.Repo.Path);
        Assert.True(dump.ExitCode == 0, dump.ToString());
        string[] lines = dump.Stdout.Split('\n');
        Assert.Contains(lines, l => l.StartsWith("rule Compile kind=plain", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("node ", StringComparison.Ordinal) && l.EndsWith(" hello.c", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("job ", StringComparison.Ordinal) && l.Contains(" ok ") && l.EndsWith("Compile hello.o", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("  dep    S ", StringComparison.Ordinal) && l.EndsWith(" hello.c", StringComparison.Ordinal));
        Assert.Contains("  target hello.o", lines);
        CommandResult elsewhere = Installed.Run(Installed.PrivateBin("lmake_dump"), ["--repo", _r.Repo.Path], "/");
        Assert.Equal(dump.Stdout, elsewhere.Stdout);
    }

    [Fact]
    public void AQueryWhileABuildRunsSeesTheRunningJobAndDoesNotWaitForIt()
    {
        _r.Repo.Add("Lmakefile.py", AdminRepo.Lmakefile + "\nclass Slow(Rule):\n    targets = {'T': r'{F:.*}.slow'}\n    cmd = 'sleep 8; echo > {T}'\n"
            + "class Both(Rule):\n    targets = {'T': r'{F:.*}.both'}\n    deps = {'A': '{F}1.slow', 'B': '{F}2.slow'}\n    cmd = 'cat {A} {B} > {T}'\n");
        var psi = new ProcessStartInfo(Installed.Bin("lmake"), ["x.both"]) { WorkingDirectory = _r.Repo.Path, RedirectStandardOutput = true };
        using Process build = Process.Start(psi)!;
        var clock = Stopwatch.StartNew();
        // with no file: every job running (true) or queued (false), as [[rule, job], state] pairs in JSON
        WaitFor(() => JsonNode.Parse(_r.Out("lshow", "--json", "-r"))!.AsArray().Count(p => (bool)p![1]! && (string?)p[0]![0] == "Slow") == 2);
        // with a file: its job, waiting for the jobs it needs, keyed by (rule, job)
        Assert.Equal("{('Both', 'x.both'): {('Slow', 'x1.slow'): True, ('Slow', 'x2.slow'): True}}", _r.PythonOf("x", "--running", "x.both"));
        Assert.Equal("W Both x.both\n  R Slow x1.slow\n  R Slow x2.slow\n", _r.Out("lshow", "-r", "x.both"));
        JsonNode info = JsonNode.Parse(_r.Out("lshow", "--json", "-i", "x1.slow"))!["x1.slow"]!;
        Assert.Equal("running", (string?)info["status"]);
        // the job sleeps 8 s: both queries were answered while it ran, they did not wait for it
        Assert.False(build.HasExited, $"the build ended before the queries were answered ({clock.Elapsed})");
        Assert.True(build.WaitForExit(60_000));
        Assert.Equal(0, build.ExitCode);
        Assert.Equal("ok", (string?)_r.ShowParsed("-i", "x1.slow")["x1.slow"]!["status"]);
    }

    private static void WaitFor(Func<bool> condition)
    {
        var deadline = DateTime.Now + TimeSpan.FromSeconds(20);
        while (!condition())
        {
            if (DateTime.Now > deadline) throw new TimeoutException("condition not met");
            Thread.Sleep(50);
        }
    }
}
