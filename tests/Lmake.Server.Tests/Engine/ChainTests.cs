// The make algorithm in process (fake disk, fake backend): what a user sees of a chain src -> A -> B when the
// source is new, unchanged, edited, and edited in a way A's output does not show (the cut-off: B does not run).
using Lmake.Common;

namespace Lmake.Server.Tests.Engine;

public class ChainTests
{
    // A keeps the first line of its source, B upper-cases A's output
    private static TestRepo Repo()
    {
        var repo = new TestRepo(["s"], RuleSpec.Step("A", ".a"), RuleSpec.Step("B", ".b", ".a"));
        repo.Disk.Write("s", "hello\nworld\n");
        repo.Backend
            .On("A", job => job.Write(job.Target, job.Dep("dep")!.Split('\n')[0] + "\n"))
            .On("B", job => job.Write(job.Target, job.Dep("dep")!.ToUpperInvariant()));
        return repo;
    }

    /// <summary>Builds s.b, gives s this content, builds s.b again: what the second build did.</summary>
    private static async Task<(int Exit, RecordingClient Client)> BuildThenEdit(TestRepo repo, string edited)
    {
        await repo.Build("s.b");
        repo.Disk.Write("s", edited);
        return await repo.Build("s.b");
    }

    [Fact]
    public async Task FirstBuildMakesTheChain()
    {
        using var repo = Repo();
        var (exit, client) = await repo.Build("s.b");
        Assert.Equal(ExitCode.Ok, exit);
        Assert.Equal(["new src s", "done A s.a", "done B s.b"], client.StatusTexts);
        Assert.Equal("HELLO\n", repo.Disk.Read("s.b"));
        Assert.Contains("done    time : 0.020s (2 jobs)", client.Lines);
    }

    [Fact]
    public async Task SecondBuildIsANoOp()
    {
        using var repo = Repo();
        await repo.Build("s.b");
        var (exit, client) = await repo.Build("s.b");
        Assert.Equal(ExitCode.Ok, exit);
        Assert.Empty(client.Statuses);
        Assert.Contains("was already up-to-date : s.b", client.Lines);
        Assert.Equal(1, repo.Backend.Runs("A", "s.a"));
        Assert.Equal(1, repo.Backend.Runs("B", "s.b"));
    }

    [Fact]
    public async Task EditedSourceRerunsTheChain()
    {
        using var repo = Repo();
        var (exit, client) = await BuildThenEdit(repo, "bye\nworld\n");
        Assert.Equal(ExitCode.Ok, exit);
        Assert.Equal(["changed src s", "done A s.a", "done B s.b"], client.StatusTexts);
        Assert.Equal("BYE\n", repo.Disk.Read("s.b"));
        Assert.Equal(2, repo.Backend.Runs("B", "s.b"));
    }

    [Fact]
    public async Task SameOutputCutsTheChainOff()
    {
        using var repo = Repo();
        // A keeps the first line only: its output is the same
        var (exit, client) = await BuildThenEdit(repo, "hello\nthere\n");
        Assert.Equal(ExitCode.Ok, exit);
        Assert.Equal(["changed src s", "steady A s.a"], client.StatusTexts);
        Assert.Equal(2, repo.Backend.Runs("A", "s.a"));
        Assert.Equal(1, repo.Backend.Runs("B", "s.b"));
        Assert.Equal("HELLO\n", repo.Disk.Read("s.b"));
        Assert.Contains("steady  time : 0.010s (1 job)", client.Lines);
    }
}
