// The progress a terminal shows (issue 16), in process: the board of runs handed to backends and its ETA (eta.md:
// a job's last ok run time, else its rule's average, divided by the parallelism seen), and the reports a request
// sends only to a client whose stdout is a terminal, the last one with the request's final counts.
using Lmake.Common;
using Lmake.Server.Engine;

namespace Lmake.Server.Tests.Engine;

public class ProgressTests
{
    private static TestRepo Repo()
    {
        var repo = new TestRepo(["s", "t"], RuleSpec.Step("A", ".a"), RuleSpec.Step("B", ".b", ".a"));
        repo.Disk.Write("s", "x\n");
        repo.Disk.Write("t", "y\n");
        repo.Backend
            .On("A", job => job.Write(job.Target, job.Dep("dep")!))
            .On("B", job => job.Write(job.Target, job.Dep("dep")!));
        return repo;
    }

    [Fact]
    public async Task OnlyATerminalGetsReportsAndTheLastHoldsTheFinalCounts()
    {
        using var repo = Repo();
        var piped = new RecordingClient();
        Assert.Equal(ExitCode.Ok, await repo.Make(piped, CancellationToken.None, terminal: false, "s.b"));
        Assert.Empty(piped.ProgressReports);

        var terminal = new RecordingClient();
        Assert.Equal(ExitCode.Ok, await repo.Make(terminal, CancellationToken.None, terminal: true, "t.b"));
        var last = Assert.Single(terminal.ProgressReports.TakeLast(1));
        Assert.Equal(new Lmake.Common.Protocol.ProgressReport(Done: 2, Failed: 0, Running: 0, Queued: 0, EtaUnixMs: 0), last);
    }

    [Fact]
    public async Task TheEtaSumsWhatIsLeftOverTheParallelismSeen()
    {
        using var repo = Repo();
        await repo.Build("s.b", "t.b");   // each job ran ok in 10 ms (the fake backend's time)
        Job[] jobs = repo.Graph.Jobs.Where(j => j.Name is "s.a" or "t.a" or "s.b").OrderBy(j => j.Name).ToArray();
        var board = new ProgressBoard();
        DateTime now = DateTime.UtcNow;
        foreach (Job j in jobs) board.Submitted(j);
        var (running, queued, eta) = board.Snapshot(now);
        Assert.Equal((0, 3), (running, queued));
        Assert.Equal(0.030, (eta!.Value - now).TotalSeconds, 3);   // nothing ran yet: 3 x 10 ms one after the other
        board.Started(jobs[0]);
        board.Started(jobs[1]);
        (running, queued, eta) = board.Snapshot(now);
        Assert.Equal((2, 1), (running, queued));
        // two at once seen: what is left (at most 10 + 10 + 10 ms) over 2
        Assert.InRange((eta!.Value - now).TotalSeconds, 0.0049, 0.0151);
        board.Ended(jobs[0], TimeSpan.FromMilliseconds(10));
        board.Ended(jobs[1], TimeSpan.FromMilliseconds(10));
        board.Ended(jobs[2], null);
        (running, queued, eta) = board.Snapshot(now);
        Assert.Equal((0, 0, (DateTime?)null), (running, queued, eta));
    }

    [Fact]
    public async Task AJobThatNeverRanOkIsEstimatedByItsRulesAverage()
    {
        using var repo = Repo();
        await repo.Build("s.b");
        Job never = repo.Graph.Jobs.Single(j => j.Name == "s.a");
        never.Status = Server.State.JobStatus.Failed;   // as if its last run failed: its time says nothing
        var board = new ProgressBoard();
        board.Submitted(never);
        Assert.Null(board.Snapshot(DateTime.UtcNow).Eta);   // nothing known of rule A yet
        Job other = repo.Graph.Jobs.Single(j => j.Name == "s.b");
        board.Submitted(other);
        board.Ended(other, TimeSpan.FromSeconds(3));     // rule B learns 3 s; A still unknown
        Assert.Null(board.Snapshot(DateTime.UtcNow).Eta);
        var learnt = new ProgressBoard();
        Job a = repo.Graph.Jobs.Single(j => j.Name == "s.a");
        learnt.Submitted(a);
        learnt.Ended(a, TimeSpan.FromSeconds(2));
        learnt.Ended(a, TimeSpan.FromSeconds(4));        // average of A: 3 s
        learnt.Submitted(never);
        DateTime now = DateTime.UtcNow;
        Assert.Equal(3.0, (learnt.Snapshot(now).Eta!.Value - now).TotalSeconds, 3);
    }
}
