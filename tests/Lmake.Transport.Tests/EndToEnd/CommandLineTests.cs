// What the installed commands answer by themselves, without any server: help, version, usage errors,
// and no repo.
using Lmake.Common;
using Lmake.EndToEnd.Tests;

namespace Lmake.Transport.Tests.EndToEnd;

public sealed class CommandLineTests : IDisposable
{
    private readonly TempDir _repo = new("lmake-usage-");

    public CommandLineTests() => _repo.Write("Lmakefile.py", "");

    public void Dispose() => _repo.Dispose();

    [Fact]
    public void HelpListsEveryOptionThenTheExitCodes()
    {
        CommandResult r = Installed.Run(Installed.Bin("lmake"), ["-h"], _repo.Path);
        Assert.Equal(0, r.ExitCode);
        foreach (string option in new[] { "-j, --jobs <N>", "-e, --forget-old-errors", "-r, --retry-on-error <N>",
                     "-a, --archive", "-s, --source-ok", "-t, --keep-tmp", "-o, --live-out", "-l, --local",
                     "-m, --max-runs <N>", "-M, --max-submits <N>", "-I, --ignore-incremental", "-d, --essential-deps",
                     "-D, --no-deps", "-q, --quiet", "-v, --verbose", "-S, --fresh-server",
                     "-c, --cache-method <none|download|upload|plain>", "--version" })
            Assert.Contains(option, r.Stdout);
        Assert.EndsWith(ExitCode.Table, r.Stdout);
        Assert.Contains("LMAKE_ARGS", r.Stdout);
        Assert.False(Directory.Exists(_repo["LMAKE"]), "-h must not start a server");
    }

    [Fact]
    public void VersionAndAdminHelpAreAnsweredLocally()
    {
        CommandResult v = Installed.Run(Installed.Bin("lmake"), ["--version"], _repo.Path);
        Assert.Equal(0, v.ExitCode);
        Assert.Matches(@"^lmake-cs \d+\.\d+\.\d+\n$", v.Stdout);
        CommandResult h = Installed.Run(Installed.Bin("lshow"), ["-h"], _repo.Path);
        Assert.Equal(0, h.ExitCode);
        Assert.Contains("lshow: show what lmake knows", h.Stdout);
        Assert.False(Directory.Exists(_repo["LMAKE"]));
    }

    [Theory]
    [InlineData("option --jobs: 'abc' is not an integer >= 0", null, "-j", "abc", "t")]
    [InlineData("option --max-runs: '0' is not an integer >= 1", null, "-m", "0", "t")]
    [InlineData("option --cache-method: 'zip' is not one of none, download, upload, plain", null, "-c", "zip", "t")]
    [InlineData("unknown option --bogus", null, "--bogus", "t")]
    [InlineData("unknown option --nope", "-j 2 --nope", "t")]
    public void UsageErrorsExit11NamingTheOptionWithoutAnyServer(string message, string? lmakeArgs, params string[] args)
    {
        CommandResult r = Installed.Run(Installed.Bin("lmake"), args, _repo.Path,
            new Dictionary<string, string?> { ["LMAKE_ARGS"] = lmakeArgs });
        Assert.Equal(11, r.ExitCode);
        Assert.Equal($"lmake: {message}", r.Stderr.Split('\n')[0].Split(" (lmake [options]")[0]);
        Assert.Equal("", r.Stdout);
        Assert.False(Directory.Exists(_repo["LMAKE"]), "a usage error must not start a server");
    }

    [Fact]
    public void OutsideAnyRepoSaysSoAndExits11()
    {
        using var nowhere = new TempDir("lmake-norepo-");
        CommandResult r = Installed.Run(Installed.Bin("lmake"), ["t"], nowhere.Path);
        Assert.Equal(11, r.ExitCode);
        Assert.StartsWith("lmake: cannot find root dir", r.Stderr);
        CommandResult s = Installed.Run(Installed.Bin("lshow"), ["-i", "t"], nowhere.Path);
        Assert.Equal(11, s.ExitCode);
        Assert.StartsWith("lshow: cannot find root dir", s.Stderr);
    }
}
