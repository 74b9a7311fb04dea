// ^C on lmake: the jobs only it needed are killed and said so (`killed`), then lmake dies of SIGINT itself, as
// well-behaved tools do, so that a script driving it sees a death by signal (Python: returncode -2, a shell:
// 130). What the killed job had written counts as its last output: the next run that writes the same is steady.
namespace Lmake.EndToEnd.Tests;

public sealed class InterruptTests : IDisposable
{
    private readonly TempDir _outside = new("lmake-interrupt-");
    private readonly LmakeRepo _r;

    public InterruptTests()
    {
        // the job tells it started by a file outside the repo (not tracked), and waits unless told to go on
        _r = new LmakeRepo($$"""
            from lmake.rules import Rule
            class Slow(Rule):
                target = 'slow'
                cmd    = 'echo out; touch {{_outside["started"]}}; [ -e {{_outside["go"]}} ] || sleep 60'
            """);
    }

    public void Dispose()
    {
        _r.Dispose();
        _outside.Dispose();
    }

    /// <summary>Runs `lmake slow` from python3, sends it SIGINT once the job started, and returns lmake's
    /// returncode as Python sees it and what lmake printed.</summary>
    private (string ReturnCode, LmakeOutput Output) InterruptedLmake()
    {
        string driver = $$"""
            import os, subprocess, sys, time
            out = open('{{_outside["lmake.out"]}}', 'w')
            p = subprocess.Popen(['lmake', 'slow'], stdout=out)
            deadline = time.time() + 60
            while not os.path.exists('{{_outside["started"]}}'):
                if time.time() > deadline: p.kill(); sys.exit('the job did not start')
                time.sleep(0.05)
            os.kill(p.pid, 2)
            p.wait(timeout=60)
            print(p.returncode)
            """;
        CommandResult r = Installed.Run("python3", ["-c", driver], _r.Repo.Path);
        Assert.True(r.ExitCode == 0, r.ToString());
        string printed = _outside.Read("lmake.out");
        return (r.Stdout.Trim(), new LmakeOutput(new CommandResult(0, printed, "")));
    }

    [Fact]
    public void LmakeDiesOfSigintAfterSayingWhichJobItKilled()
    {
        var (returnCode, output) = InterruptedLmake();
        Assert.Equal("-2", returnCode);   // killed by signal 2, not an exit code
        Assert.Equal(["killed"], output.Words("slow"));
    }

    [Fact]
    public void TheNextRunOfAKilledJobThatWritesTheSameIsSteady()
    {
        InterruptedLmake();
        _outside.Write("go", "");
        LmakeOutput again = _r.Lmake("slow");
        Assert.True(again.Result.ExitCode == 0, again.ToString());
        Assert.Equal(["steady"], again.Words("slow"));
        Assert.Equal("out\n", _r.Repo.Read("slow"));
    }
}
