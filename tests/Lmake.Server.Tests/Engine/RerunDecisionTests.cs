// When a job runs again and which status line says so (open-lmake's execution.md): steady (every target it left
// holds what was there before; none left: nothing changed), a touched source whose content did not move, a job in
// error left alone while nothing changed (unless -e), a dep read last time now in error (the job is not run, it is
// in error until that dep is fixed), and -D (deps not looked at when deciding).
using Lmake.Common;

namespace Lmake.Server.Tests.Engine;

public class RerunDecisionTests
{
    // A copies its source
    private static TestRepo Repo()
    {
        var repo = new TestRepo(["s"], RuleSpec.Step("A", ".a"));
        repo.Disk.Write("s", "one\n");
        repo.Backend.On("A", job => job.Write(job.Target, job.Dep("dep")!));
        return repo;
    }

    [Fact]
    public async Task TouchedSourceWithTheSameContentIsSteady()
    {
        using var repo = Repo();
        await repo.Build("s.a");
        repo.Disk.Write("s", "one\n");   // a new date, the same content
        var (exit, client) = await repo.Build("s.a");
        Assert.Equal(ExitCode.Ok, exit);
        Assert.Equal(["steady src s"], client.StatusTexts);
        Assert.Equal(1, repo.Backend.Runs("A", "s.a"));

        // said once: the new date is known now
        (_, client) = await repo.Build("s.a");
        Assert.Empty(client.Statuses);
    }

    [Fact]
    public async Task FirstRunThatLeavesNoTargetIsSteady()
    {
        using var repo = new TestRepo([], new RuleSpec("N", "none"));
        repo.Backend.On("N", _ => { });   // leaves nothing: nothing it left changed
        var (_, client) = await repo.Build("none");
        Assert.Equal(["steady N none"], client.StatusTexts);
    }

    [Fact]
    public async Task JobInErrorIsNotRerunWhileNothingChangedUnlessForgetOldErrors()
    {
        using var repo = Repo();
        repo.Backend.On("A", job => { job.Write(job.Target, "partial\n"); job.Fail(); });
        var (exit, client) = await repo.Build("s.a");
        Assert.Equal(ExitCode.BuildFailed, exit);
        Assert.Equal(["new src s", "failed A s.a"], client.StatusTexts);

        // still in error, not run again: no status line
        (exit, client) = await repo.Build("s.a");
        Assert.Equal(ExitCode.BuildFailed, exit);
        Assert.Empty(client.Statuses);
        Assert.Equal(1, repo.Backend.Runs("A", "s.a"));

        // -e: old errors are taken as transient
        (exit, client) = await repo.Build("-e", "s.a");
        Assert.Equal(ExitCode.BuildFailed, exit);
        Assert.Equal(["failed A s.a"], client.StatusTexts);
        Assert.Equal(2, repo.Backend.Runs("A", "s.a"));

        // a dep that changed reruns it
        repo.Disk.Write("s", "two\n");
        (_, client) = await repo.Build("s.a");
        Assert.Equal(["changed src s", "failed A s.a"], client.StatusTexts);
        Assert.Equal(3, repo.Backend.Runs("A", "s.a"));
    }

    [Fact]
    public async Task HandEditedTargetOfAJobInErrorRerunsIt()
    {
        using var repo = Repo();
        repo.Backend.On("A", job => { job.Write(job.Target, "partial\n"); job.Fail(); });
        await repo.Build("s.a");
        repo.Disk.Write("s.a", "by hand\n");
        var (_, client) = await repo.Build("s.a");
        Assert.Equal(["quarantined A s.a", "failed A s.a"], client.StatusTexts);
        Assert.Equal(2, repo.Backend.Runs("A", "s.a"));
    }

    [Fact]
    public async Task NoDepsOptionDoesNotLookAtDeps()
    {
        using var repo = Repo();
        await repo.Build("s.a");
        repo.Disk.Write("s", "two\n");
        var (exit, client) = await repo.Build("-D", "s.a");
        Assert.Equal(ExitCode.Ok, exit);
        Assert.Empty(client.Statuses);   // s not even looked at
        Assert.Equal(1, repo.Backend.Runs("A", "s.a"));

        (_, client) = await repo.Build("s.a");
        Assert.Equal(["changed src s", "done A s.a"], client.StatusTexts);
    }

    [Fact]
    public async Task DepReadLastTimeNowInErrorBlocksTheJobWithoutRunningIt()
    {
        using var repo = new TestRepo([], new RuleSpec("R", "out"));
        repo.Backend.On("R", job => job.Write("out", job.Read("x") ?? "none"));   // x: nothing makes it
        var (exit, client) = await repo.Build("out");
        Assert.Equal(ExitCode.Ok, exit);
        Assert.Equal(["done R out"], client.StatusTexts);

        repo.Disk.Write("x", "here\n");   // not a source: dangling
        (exit, client) = await repo.Build("out");
        Assert.Equal(ExitCode.BuildFailed, exit);
        Assert.Equal(["dangling src x"], client.StatusTexts);   // no dep_error: R did not run
        Assert.Equal(1, repo.Backend.Runs("R", "out"));

        repo.Disk.Unlink("x");   // fixed: R runs again (what it read is as before: steady)
        (exit, client) = await repo.Build("out");
        Assert.Equal(ExitCode.Ok, exit);
        Assert.Equal(["steady R out"], client.StatusTexts);
        Assert.Equal(2, repo.Backend.Runs("R", "out"));
    }

    [Fact]
    public async Task TargetAnotherJobWroteAndRemovedIsDoneNotSteadyWhenRemade()
    {
        // A uses `tmp` (T's target) as a scratch file; B reads a, then tmp
        using var repo = new TestRepo([], new RuleSpec("T", "tmp"), new RuleSpec("A", "a"), new RuleSpec("B", "b", ("dep", "a")));
        repo.Backend
            .On("T", job => job.Write("tmp", ""))
            .On("A", job => { job.WriteAndRemove("tmp"); job.Write("a", "a"); })
            .On("B", job => job.Write("b", job.Dep("dep") + job.Read("tmp")));
        await repo.Build("tmp");

        var (exit, client) = await repo.Build("b");
        Assert.Equal(ExitCode.Ok, exit);
        // tmp holds what T made before, but A's scratch came in between: T's run makes it anew
        Assert.Equal(["done A a", "may_rerun B b", "done T tmp", "done B b"], client.StatusTexts);
        Assert.Equal("", repo.Disk.Read("tmp"));
    }
}
