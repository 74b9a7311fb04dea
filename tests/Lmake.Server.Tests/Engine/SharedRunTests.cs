// The make algorithm in process (fake disk, gated fake backend): two requests needing the same job at once share
// one run of it; ^C of one of them does not kill the run the other still waits for; ^C of the only one does.
using Lmake.Common;

namespace Lmake.Server.Tests.Engine;

public class SharedRunTests
{
    // B and C both need A's s.a
    private static TestRepo Repo()
    {
        var repo = new TestRepo(["s"], RuleSpec.Step("A", ".a"), RuleSpec.Step("B", ".b", ".a"), RuleSpec.Step("C", ".c", ".a"));
        repo.Backend
            .On("A", job => job.Write(job.Target, "a of " + job.Dep("dep")))
            .On("B", job => job.Write(job.Target, "b of " + job.Dep("dep")))
            .On("C", job => job.Write(job.Target, "c of " + job.Dep("dep")));
        repo.Disk.Write("s", "s");
        return repo;
    }

    /// <summary>The first request waits in A's run; the second joins it (its `started` line is shown).</summary>
    private static async Task<(Task<int> First, Task<int> Second, RecordingClient SecondClient, Gate Gate)> TwoRequestsInA(
        TestRepo repo, RecordingClient first, CancellationToken firstCancelled)
    {
        Gate gate = repo.Backend.GateOf("A", "s.a");
        Task<int> one = repo.Make(first, firstCancelled, "s.b");
        await gate.Entered;
        var second = new RecordingClient();
        Task<int> two = repo.Make(second, CancellationToken.None, "s.c");
        await second.Shown("started", "s.a");
        return (one, two, second, gate);
    }

    [Fact]
    public async Task TwoRequestsShareOneRun()
    {
        using var repo = Repo();
        var first = new RecordingClient();
        var (one, two, second, gate) = await TwoRequestsInA(repo, first, CancellationToken.None);
        gate.Release();
        Assert.Equal(ExitCode.Ok, await one);
        Assert.Equal(ExitCode.Ok, await two);
        Assert.Equal(1, repo.Backend.Runs("A", "s.a"));
        Assert.Equal(["new src s", "done A s.a", "done B s.b"], first.StatusTexts);
        Assert.Equal("started A s.a", second.StatusTexts[0]);
        Assert.Equal("done C s.c", second.StatusTexts[^1]);
        Assert.Equal("b of a of s", repo.Disk.Read("s.b"));
        Assert.Equal("c of a of s", repo.Disk.Read("s.c"));
    }

    // The joining request sees the shared run's end after the first one recorded it: it must not compare the run
    // with itself (and say `steady` for a job that never ran before): its user sees `done`, as the first one's does.
    [Fact]
    public async Task JoinedRequestSaysDoneForAFirstRun()
    {
        using var repo = Repo();
        var (one, two, second, gate) = await TwoRequestsInA(repo, new RecordingClient(), CancellationToken.None);
        gate.Release();
        await one;
        Assert.Equal(ExitCode.Ok, await two);
        Assert.Equal(["started A s.a", "done A s.a", "done C s.c"], second.StatusTexts);
    }

    [Fact]
    public async Task CancelOfOneRequestLeavesTheSharedRunToTheOther()
    {
        using var repo = Repo();
        using var cancelFirst = new CancellationTokenSource();
        var first = new RecordingClient();
        var (one, two, second, gate) = await TwoRequestsInA(repo, first, cancelFirst.Token);
        cancelFirst.Cancel();
        await repo.Settled();   // the first request left the run (posted to the engine thread)
        Assert.False(gate.Killed);
        gate.Release();
        Assert.Equal(ExitCode.Ok, await two);
        await one;
        Assert.False(gate.Killed);
        Assert.Equal(1, repo.Backend.Runs("A", "s.a"));
        Assert.Equal("a of s", repo.Disk.Read("s.a"));
        Assert.Equal("c of a of s", repo.Disk.Read("s.c"));
        Assert.Contains("done C s.c", second.StatusTexts);
    }

    // The request that left a run going on for another does not wait for its end: it says the job continues and
    // ends at once (woken by its leaving, not by the run).
    [Fact]
    public async Task LeavingRequestEndsBeforeTheSharedRun()
    {
        using var repo = Repo();
        using var cancelFirst = new CancellationTokenSource();
        var first = new RecordingClient();
        var (one, two, _, gate) = await TwoRequestsInA(repo, first, cancelFirst.Token);
        cancelFirst.Cancel();
        Assert.Equal(ExitCode.Interrupted, await one);
        Assert.Contains("continue A s.a", first.StatusTexts);
        Assert.False(gate.Killed);
        gate.Release();
        Assert.Equal(ExitCode.Ok, await two);
    }

    // A cancelled request (its client is gone) that was waiting on a run shared with another request stops when
    // the run ends: it runs nothing more for nobody, and ends Interrupted.
    [Fact]
    public async Task CancelledRequestRunsNoMoreJobs()
    {
        using var repo = Repo();
        using var cancelFirst = new CancellationTokenSource();
        var (one, two, _, gate) = await TwoRequestsInA(repo, new RecordingClient(), cancelFirst.Token);
        cancelFirst.Cancel();
        await repo.Settled();
        gate.Release();
        await two;
        int firstExit = await one;
        Assert.Equal(0, repo.Backend.Runs("B", "s.b"));
        Assert.Equal(ExitCode.Interrupted, firstExit);
    }

    [Fact]
    public async Task CancelOfTheOnlyRequestKillsTheRun()
    {
        using var repo = Repo();
        using var cancel = new CancellationTokenSource();
        Gate gate = repo.Backend.GateOf("A", "s.a");
        var client = new RecordingClient();
        Task<int> make = repo.Make(client, cancel.Token, "s.b");
        await gate.Entered;
        cancel.Cancel();
        Assert.Equal(ExitCode.Interrupted, await make);
        Assert.True(gate.Killed);
        Assert.Equal(1, repo.Backend.Runs("A", "s.a"));
        Assert.Equal(0, repo.Backend.Runs("B", "s.b"));
        Assert.Null(repo.Disk.Read("s.a"));
    }
}
