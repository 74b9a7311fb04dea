// `job_exec --remote IP:PORT` as a batch system starts it: bad input gets one clear line and an exit code, never a
// .NET stack trace (the line lands in LMAKE/slurm/<id>, where a user looks when a job is lost).
namespace Lmake.EndToEnd.Tests;

public sealed class JobExecRemoteTests
{
    private static CommandResult JobExec(string[] args, string? key) =>
        Installed.Run(Installed.PrivateBin("job_exec"), args, env: new Dictionary<string, string?> { ["LMAKE_JOB_KEY"] = key });

    [Fact]
    public void WithoutItsKeyItSaysWhatIsMissing()
    {
        CommandResult r = JobExec(["--remote", "127.0.0.1:6000"], null);
        Assert.Equal(11, r.ExitCode);
        Assert.Equal("job_exec: $LMAKE_JOB_KEY is not set (the key the server gave this job)\n", r.Stderr);
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("nowhere:12")]
    public void ABadAddressGetsTheUsage(string address)
    {
        CommandResult r = JobExec(["--remote", address], "1:ab");
        Assert.Equal(11, r.ExitCode);
        Assert.StartsWith("usage: job_exec --remote IP:PORT", r.Stderr);
    }

    [Fact]
    public void AServerThatIsNotThereIsOneLine()
    {
        CommandResult r = JobExec(["--remote", "127.0.0.1:1"], "1:ab");
        Assert.Equal(2, r.ExitCode);
        Assert.Equal("job_exec: cannot connect to 127.0.0.1:1: Connection refused\n", r.Stderr);
    }
}
