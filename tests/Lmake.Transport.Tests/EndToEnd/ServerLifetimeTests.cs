// The installed lmake with the real lmakeserver on temporary repos: the server is started on demand,
// published in LMAKE/server, shared, replaced after a kill -9, and gone when idle. The engine's answer
// itself is not checked here (its own tests do): only that it comes through the server.
using System.Diagnostics;
using Lmake.Common.Protocol;
using Lmake.EndToEnd.Tests;

namespace Lmake.Transport.Tests.EndToEnd;

public sealed class ServerLifetimeTests : IDisposable
{
    private readonly TempRepo _repo = new();
    private readonly ServerFiles _files;

    public ServerLifetimeTests()
    {
        _repo.Add("Lmakefile.py", "import lmake\nlmake.manifest = ('Lmakefile.py',)\n");
        _repo.Git("commit", "-qm", "init");
        _files = new ServerFiles(_repo.Path);
    }

    public void Dispose()
    {
        // A server still serving this repo (long idle grace) must not outlive the test.
        if (_files.ReadAddress() is { } a) Installed.Run("/bin/kill", ["-TERM", a.Pid.ToString()]);
        _repo.Dispose();
    }

    private CommandResult Lmake(int idleMs, params string[] args) =>
        Installed.Run(Installed.Bin("lmake"), args, _repo.Path,
            new Dictionary<string, string?> { ["LMAKE_SERVER_IDLE_MS"] = idleMs.ToString() });

    /// <summary>The engine answered through the server: not a transport failure, and something was said.</summary>
    private static void AssertServed(CommandResult r)
    {
        Assert.NotEqual(4, r.ExitCode);
        Assert.DoesNotContain("cannot start the server", r.Stderr);
        Assert.DoesNotContain("lost the connection", r.Stderr);
        Assert.NotEqual("", r.Stdout + r.Stderr);
    }

    private static bool Alive(int pid) => Directory.Exists($"/proc/{pid}") &&
        !File.ReadAllText($"/proc/{pid}/stat").Split(')')[1].TrimStart().StartsWith('Z');

    private int ListeningLines() =>
        File.ReadAllLines(_files.LogFile).Count(l => l.Contains(" listening on 127.0.0.1:"));

    [Fact]
    public void FirstRequestStartsTheServerWhichPublishesAddressPidAndAPrivateKey()
    {
        Assert.False(File.Exists(_files.AddressFile));
        CommandResult r = Lmake(10_000, "x");
        AssertServed(r);
        string[] lines = File.ReadAllText(_files.AddressFile).Split('\n');
        Assert.Matches(@"^127\.0\.0\.1:\d+$", lines[0]);
        int pid = int.Parse(lines[1]);
        Assert.True(Alive(pid));
        Assert.Equal("lmakeserver", File.ReadAllText($"/proc/{pid}/comm").Trim());
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(_files.KeyFile));
        // detached: a session of its own, so the user's ^C and terminal hang-up do not reach it
        string[] stat = File.ReadAllText($"/proc/{pid}/stat").Split(')')[1].Trim().Split(' ');
        Assert.Equal(pid.ToString(), stat[3]);   // session id == its pid

        // a second request is served by the same server
        AssertServed(Lmake(10_000, "y"));
        Assert.Equal(pid, _files.ReadAddress()!.Value.Pid);
        Assert.Equal(1, ListeningLines());
    }

    [Fact]
    public void TwoClientsStartedAtOnceShareOneServer()
    {
        var env = new Dictionary<string, string?> { ["LMAKE_SERVER_IDLE_MS"] = "3000" };
        using var a = new ClientProcess("lmake", _repo.Path, env, "x");
        using var b = new ClientProcess("lmake", _repo.Path, env, "y");
        CommandResult ra = a.WaitForExit(TimeSpan.FromSeconds(60));
        CommandResult rb = b.WaitForExit(TimeSpan.FromSeconds(60));
        AssertServed(ra);
        AssertServed(rb);
        Assert.Equal(1, ListeningLines());
    }

    [Fact]
    public void AfterAKill9OfTheServerTheNextRequestStartsANewOne()
    {
        AssertServed(Lmake(30_000, "x"));
        int first = _files.ReadAddress()!.Value.Pid;
        Assert.Equal(0, Installed.Run("/bin/kill", ["-KILL", first.ToString()]).ExitCode);
        ServerHostTests.WaitFor(() => !Alive(first));
        Assert.True(File.Exists(_files.AddressFile), "a killed server cannot clean up: LMAKE/server is stale");

        AssertServed(Lmake(30_000, "x"));
        int second = _files.ReadAddress()!.Value.Pid;
        Assert.NotEqual(first, second);
        Assert.True(Alive(second));
    }

    [Fact]
    public void FreshServerOptionWaitsForTheRunningServerToEndThenStartsAnother()
    {
        AssertServed(Lmake(1_500, "x"));
        int first = _files.ReadAddress()!.Value.Pid;
        CommandResult r = Lmake(10_000, "-S", "x");
        AssertServed(r);
        Assert.Contains("waiting for the running server to end (-S)", r.Stderr);
        Assert.False(Alive(first));
        Assert.NotEqual(first, _files.ReadAddress()!.Value.Pid);
    }

    [Fact]
    public void ServerExitsWhenIdleAndRemovesLmakeServer()
    {
        AssertServed(Lmake(300, "x"));
        ServerAddress? address = _files.ReadAddress();
        ServerHostTests.WaitFor(() => !File.Exists(_files.AddressFile), 10_000);
        if (address is { } a) ServerHostTests.WaitFor(() => !Alive(a.Pid), 10_000);
        Assert.False(FileLock.IsHeld(_files.LockFile));
        Assert.Contains("idle: exiting", File.ReadAllText(_files.LogFile));
    }
}
