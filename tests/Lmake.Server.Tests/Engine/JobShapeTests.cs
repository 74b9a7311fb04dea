// A job of a rule planned natively is resolved and found up to date without a plan (JobShape): a new server's no-op
// makes none, and what it decides is what a plan would have made it decide (issue 18: the cold no-op).
namespace Lmake.Server.Tests.Engine;

public class JobShapeTests
{
    private static TestRepo Chain()
    {
        var repo = new TestRepo(["s"], RuleSpec.Step("A", ".a"), new RuleSpec("B", "{File}.b", ("first", "{File}.a"), ("second", "{File}")));
        repo.Backend
            .On("A", job => job.Write(job.Target, "a:" + job.Dep("dep")))
            .On("B", job => job.Write(job.Target, "b:" + job.Dep("first") + job.Dep("second")));
        repo.Disk.Write("s", "s");
        return repo;
    }

    [Fact]
    public async Task ANewServersNoOpMakesNoPlan()
    {
        using TestRepo repo = Chain();
        Assert.Equal(0, (await repo.Build("s.b")).Exit);
        int runs = repo.Backend.TotalRuns;
        repo.Restart();
        var (exit, client) = await repo.Build("s.b");
        Assert.Equal(0, exit);
        Assert.Empty(client.Statuses);
        Assert.Equal(runs, repo.Backend.TotalRuns);
        Assert.Equal(0, repo.Graph.Evaluator!.PlansMade);
        Server.Engine.Job b = repo.Graph.Jobs.Single(j => j.Rule.Name == "B");
        Assert.Equal(["s.a", "s"], b.StaticNodes.Select(n => n.Name));
    }

    [Fact]
    public async Task ANewServerStillSeesAChangedStaticDep()
    {
        using TestRepo repo = Chain();
        Assert.Equal(0, (await repo.Build("s.b")).Exit);
        repo.Restart();
        repo.Disk.Write("s", "t");
        var (exit, client) = await repo.Build("s.b");
        Assert.Equal(0, exit);
        Assert.Equal(["changed src s", "done A s.a", "done B s.b"], client.StatusTexts);
        Assert.Equal("b:a:tt", repo.Disk.Read("s.b"));
        // the plans made to run them are let go with the request
        Assert.All(repo.Graph.Jobs, j => Assert.False(j.HasPlan));
    }

    [Fact]
    public async Task ANewServerRunsAJobWhoseTargetIsGone()
    {
        using TestRepo repo = Chain();
        Assert.Equal(0, (await repo.Build("s.b")).Exit);
        repo.Restart();
        repo.Disk.Unlink("s.b");
        var (exit, client) = await repo.Build("s.b");
        Assert.Equal(0, exit);
        Assert.Equal(["steady B s.b"], client.StatusTexts);   // (it wrote what it wrote before)
        Assert.Equal("b:a:ss", repo.Disk.Read("s.b"));
    }
}
