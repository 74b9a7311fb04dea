// The make algorithm in process (fake disk, fake backend): deps a job discovers while it runs. One another rule
// makes, not made yet when the job read it, reruns the job once it is made; one in error makes the job dep_error,
// while a job needing it as a static dep is not run at all.
using Lmake.Common;

namespace Lmake.Server.Tests.Engine;

public class DiscoveredDepTests
{
    [Fact]
    public async Task JobRerunsWhenADepItReadIsMadeAfterIt()
    {
        using var repo = new TestRepo([], new RuleSpec("R", "out"), new RuleSpec("G", "gen"));
        repo.Backend
            .On("R", job => job.Write("out", "got " + (job.Read("gen") ?? "nothing")))
            .On("G", job => job.Write("gen", "generated"));

        var (exit, client) = await repo.Build("out");
        Assert.Equal(ExitCode.Ok, exit);
        // may_rerun announced the rerun: it has no line of its own
        Assert.Equal(["may_rerun R out", "done G gen", "done R out"], client.StatusTexts);
        Assert.Equal("got generated", repo.Disk.Read("out"));
        Assert.Equal(2, repo.Backend.Runs("R", "out"));
        Assert.Equal(1, repo.Backend.Runs("G", "gen"));

        // the dep it discovered is known now: nothing to rerun
        (exit, client) = await repo.Build("out");
        Assert.Equal(ExitCode.Ok, exit);
        Assert.Empty(client.Statuses);
        Assert.Equal(3, repo.Backend.TotalRuns);
    }

    // F fails making `bad`; S needs it as a static dep; D reads it as it runs
    private static TestRepo FailingRepo()
    {
        var repo = new TestRepo([],
            new RuleSpec("F", "bad"),
            new RuleSpec("S", "s.out", ("dep", "bad")),
            new RuleSpec("D", "d.out"));
        repo.Backend
            .On("F", job => job.Fail())
            .On("S", job => job.Write(job.Target, job.Dep("dep") ?? ""))
            .On("D", job => job.Write(job.Target, job.Read("bad") ?? ""));
        return repo;
    }

    [Fact]
    public async Task FailedDepIsADepErrorAndBlocksStaticDependents()
    {
        using var repo = FailingRepo();
        var (exit, client) = await repo.Build("s.out", "d.out");
        Assert.Equal(ExitCode.BuildFailed, exit);
        // S never runs (no line); D ran, found bad in error once it was made
        Assert.Equal(["failed F bad", "dep_error D d.out"], client.StatusTexts);
        Assert.Contains("  dep in error : bad", client.Lines);
        Assert.Equal(0, repo.Backend.Runs("S", "s.out"));
        Assert.Equal(1, repo.Backend.Runs("D", "d.out"));
        Assert.Equal(1, repo.Backend.Runs("F", "bad"));
        Assert.Null(repo.Disk.Read("s.out"));
        Assert.Contains("failed  time : 0.020s (2 jobs)", client.Lines);
    }

    [Fact]
    public async Task DepFoundInErrorAfterTheRunIsWasDepError()
    {
        using var repo = FailingRepo();
        // D first: it reads bad before F ran, so it may have to rerun, and then bad is in error
        var (exit, client) = await repo.Build("d.out", "s.out");
        Assert.Equal(ExitCode.BuildFailed, exit);
        Assert.Equal(["may_rerun D d.out", "failed F bad", "was_dep_error D d.out"], client.StatusTexts);
        Assert.Equal(0, repo.Backend.Runs("S", "s.out"));
        Assert.Equal(1, repo.Backend.Runs("D", "d.out"));
    }

    [Fact]
    public async Task FailedRunRerunForADepThatChangedBeforeDepsInErrorSaysWasFailedFirst()
    {
        // K reads `first` (made by G), then `bad` (F fails, leaving it); without `first` it fails itself
        using var repo = new TestRepo([], new RuleSpec("G", "first"), new RuleSpec("F", "bad"), new RuleSpec("K", "k.out"));
        repo.Backend
            .On("G", job => job.Write("first", "1"))
            .On("F", job => { job.Write("bad", ""); job.Fail(); })
            .On("K", job =>
            {
                bool found = job.Read("first") != null;
                job.Read("bad");
                if (found) job.Write("k.out", "ok"); else job.Fail();
            });
        var (exit, client) = await repo.Build("k.out");
        Assert.Equal(ExitCode.BuildFailed, exit);
        // `first` changed before the deps in error: K is rerun (it may not read bad any more), its failed run said first;
        // the rerun reads bad again, now known in error
        Assert.Equal(["may_rerun K k.out", "done G first", "failed F bad", "was_failed K k.out", "dep_error K k.out"], client.StatusTexts);
        Assert.Equal(2, repo.Backend.Runs("K", "k.out"));
    }
}
