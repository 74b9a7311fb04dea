// A cycle of deps (files that wait for one another while nothing runs): the request is not left hanging, it says
// the cycle and fails; the runs that led into it are recorded, so that lforget -d on the job whose hidden deps
// closed it gets out of it.
using Lmake.Common;

namespace Lmake.Server.Tests.Engine;

public class DepCycleTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task DepBelowTheTargetOfTheJobThatNeedsItIsACycle()
    {
        // B reads a; A reads b/c, below b (B's target): b must be made to know that b/c cannot be
        using var repo = new TestRepo([], new RuleSpec("A", "a"), new RuleSpec("B", "b"));
        repo.Backend
            .On("A", job => job.Write("a", job.Read("b/c") ?? ""))
            .On("B", job => job.Write("b", job.Read("a") ?? ""));

        var (exit, client) = await repo.Build("b").WaitAsync(Bound);
        Assert.Equal(ExitCode.BuildFailed, exit);
        Assert.Equal(["may_rerun B b", "may_rerun A a"], client.StatusTexts);
        Assert.Contains("dependency cycle : these files wait for one another and nothing runs", client.Lines);
        Assert.Contains("  b/c", client.Lines);

        // the runs were recorded with what they read: the cycle is found again, before anything runs
        (exit, client) = await repo.Build("b").WaitAsync(Bound);
        Assert.Equal(ExitCode.BuildFailed, exit);
        Assert.Empty(client.Statuses);
        Assert.Equal(1, repo.Backend.Runs("A", "a"));
        Assert.Equal(1, repo.Backend.Runs("B", "b"));
    }

    [Fact]
    public async Task StaticDepsThatNeedEachOtherAreACycleNotAMissingRule()
    {
        using var repo = new TestRepo([],
            new RuleSpec("C1", "c1", ("dep", "c2")), new RuleSpec("C2", "c2", ("dep", "c1")), new RuleSpec("D", "d", ("dep", "d")));
        repo.Backend.On("C1", _ => { }).On("C2", _ => { }).On("D", _ => { });
        foreach (string target in new[] { "c1", "d" })
        {
            var (exit, client) = await repo.Build(target).WaitAsync(Bound);
            Assert.Equal(ExitCode.BuildFailed, exit);
            Assert.Empty(client.Statuses);
            Assert.Contains("dependency cycle : these files wait for one another and nothing runs", client.Lines);
            Assert.DoesNotContain(client.Lines, l => l.StartsWith("no rule", StringComparison.Ordinal));
        }
        Assert.Equal(0, repo.Backend.TotalRuns);
    }
}
