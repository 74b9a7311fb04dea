// The installed lmake client against a server whose handler is known: what it sends, what it prints where,
// the exit code it returns, ^C, and a refused key.
using System.Diagnostics;
using Lmake.EndToEnd.Tests;

namespace Lmake.Transport.Tests.EndToEnd;

public sealed class ClientAgainstFakeServerTests : IDisposable
{
    private readonly TempDir _repo = new("lmake-client-");

    public ClientAgainstFakeServerTests()
    {
        _repo.Write("Lmakefile.py", "");
        _repo.Write("sub/dir/keep", "");
    }

    public void Dispose() => _repo.Dispose();

    private static Dictionary<string, string?> Env(string verb, string? lmakeArgs = null) =>
        new() { ["FAKE_VERB"] = verb, ["USER_VAR"] = "v", ["LMAKE_ARGS"] = lmakeArgs };

    [Fact]
    public void OutLinesGoToStdoutErrLinesToStderrAndTheCodeIsReturned()
    {
        using var server = new FakeServer(_repo);
        CommandResult r = Installed.Run(Installed.Bin("lmake"), ["a", "b c"], _repo["sub/dir"], Env("echo"));
        Assert.Equal("a\nb c\n", r.Stdout);
        Assert.Equal($"cwd={_repo["sub/dir"]} var=v\n", r.Stderr);
        Assert.Equal(2, r.ExitCode);
    }

    [Fact]
    public void RequestCarriesArgsWithLmakeArgsFirstRepoRootCwdAndNoTerminal()
    {
        using var server = new FakeServer(_repo);
        CommandResult r = Installed.Run(Installed.Bin("lmake"), ["-j", "3", "t"], _repo["sub"], Env("args", lmakeArgs: "-q  -e"));
        Assert.Equal(0, r.ExitCode);
        Assert.Equal($"lmake|-q|-e|-j|3|t\nroot={_repo.Path} cwd={_repo["sub"]} terminal=False\n", r.Stdout);
    }

    [Fact]
    public void RepoRootIsThePackageLmakefileAboveTheCwd()
    {
        using var repo = new TempDir("lmake-pkg-");
        repo.Write("Lmakefile/__init__.py", "");
        repo.Write("a/b/keep", "");
        using var server = new FakeServer(repo);
        CommandResult r = Installed.Run(Installed.Bin("lmake"), ["t"], repo["a/b"], Env("args"));
        Assert.Equal(0, r.ExitCode);
        Assert.Contains($"root={repo.Path} cwd={repo["a/b"]} ", r.Stdout);
    }

    // each with options its command line accepts: the client refuses bad ones itself, before any server;
    // lmake_repair is not forwarded (it rebuilds the state without a server)
    [Theory]
    [InlineData("lshow", "-i")]
    [InlineData("lforget", "-d")]
    [InlineData("lmark", "-a", "-f")]
    [InlineData("ldebug", "-n")]
    [InlineData("lcollect", "-n")]
    public void AdminCommandsAreForwardedUnderTheirOwnName(string command, params string[] options)
    {
        using var server = new FakeServer(_repo);
        CommandResult r = Installed.Run(Installed.Bin(command), [.. options, "some/file"], _repo.Path, Env("args"));
        Assert.Equal(0, r.ExitCode);
        Assert.StartsWith($"{command}|{string.Join('|', options)}|some/file\n", r.Stdout);
    }

    [Fact]
    public void CtrlCCancelsTheRequestOnTheServerAndExits130()
    {
        using var server = new FakeServer(_repo);
        using var client = new ClientProcess("lmake", _repo.Path, Env("wait"), "t");
        Assert.True(server.Handler.Started.Task.Wait(TimeSpan.FromSeconds(30)), "the request did not reach the server");
        ServerHostTests.WaitFor(() => client.StdoutSoFar.Contains("waiting"));
        client.Signal("INT");
        Assert.True(server.Handler.CancelSeen.Task.Wait(TimeSpan.FromSeconds(10)), "the server's token did not fire");
        CommandResult r = client.WaitForExit(TimeSpan.FromSeconds(10));
        Assert.Equal(130, r.ExitCode);
        Assert.Equal("waiting\nstopped\n", r.Stdout);   // lines sent before the acknowledgement are not lost
    }

    [Fact]
    public void WrongKeyIsRefusedWithBadServerExitCodeAndNothingRuns()
    {
        using var server = new FakeServer(_repo, keyInFile: "0123456789abcdef");
        CommandResult r = Installed.Run(Installed.Bin("lmake"), ["t"], _repo.Path, Env("echo"));
        Assert.Equal(4, r.ExitCode);
        Assert.Contains("refused this client: bad key", r.Stderr);
        Assert.Equal("", r.Stdout);
        Assert.Empty(server.Handler.Seen);
    }

    [Fact]
    public void ManyLinesArriveWholeAndInOrder()
    {
        using var server = new FakeServer(_repo);
        string[] args = Enumerable.Range(0, 5000).Select(i => $"line {i} " + new string('x', i % 200)).ToArray();
        CommandResult r = Installed.Run(Installed.Bin("lmake"), ["--", .. args], _repo.Path, Env("echo"));
        Assert.Equal("--\n" + string.Join("", args.Select(a => a + "\n")), r.Stdout);
    }
}
