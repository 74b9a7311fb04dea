// What a job keeps for its life holds no second copy of what the graph has: no plan once it ran (one is made again
// from its match when needed), its job name the target's string, its static deps the graph's nodes, its stems a
// compact pair of arrays; a source's node holds the name the list of sources holds (issue 18).
using Lmake.Server.Rules;

namespace Lmake.Server.Tests.Engine;

public class SharedNamesTests
{
    [Fact]
    public async Task AJobKeepsNoPlanAndTheGraphsNames()
    {
        using var repo = new TestRepo(["s"], RuleSpec.Step("A", ".a"), RuleSpec.Step("B", ".b", ".a"));
        repo.Backend
            .On("A", job => job.Write(job.Target, "a"))
            .On("B", job => job.Write(job.Target, "b"));
        repo.Disk.Write("s", "s");
        var (exit, _) = await repo.Build("s.b");
        Assert.Equal(0, exit);
        await repo.Settled();
        Server.Engine.Job b = repo.Graph.Jobs.Single(j => j.Rule.Name == "B");
        Assert.True(repo.Graph.TryGetNode("s.b", out Server.Engine.Node target));
        Assert.True(repo.Graph.TryGetNode("s.a", out Server.Engine.Node dep));
        Assert.All(repo.Graph.Jobs, j => Assert.False(j.HasPlan));
        Assert.Same(target.Name, b.Name);
        Assert.Same(dep, b.StaticNodes.Single());
        // a plan made again on demand is what the job ran with
        Assert.Equal(["s.b"], b.Plan.Targets);
        Assert.Equal("s.a", b.Plan.StaticDeps.Single().Name);
        Assert.True(b.HasPlan);
    }

    [Fact]
    public async Task ASourcesNodeHoldsTheListedName()
    {
        using var repo = new TestRepo(["s"], RuleSpec.Step("A", ".a"));
        repo.Backend.On("A", job => job.Write(job.Target, "a"));
        repo.Disk.Write("s", "s");
        Assert.Equal(0, (await repo.Build("s.a")).Exit);
        await repo.Settled();
        Assert.True(repo.Graph.TryGetNode("s", out Server.Engine.Node source));
        Assert.Same(repo.Graph.Sources.Single(), source.Name);
    }

    [Fact]
    public void StemValuesReadAsADictionary()
    {
        var stems = new StemValues(["Dir", "Base"], ["src/d1", "f1"]);
        Assert.Equal(2, stems.Count);
        Assert.Equal("f1", stems["Base"]);
        Assert.True(stems.TryGetValue("Dir", out string? dir));
        Assert.Equal("src/d1", dir);
        Assert.False(stems.ContainsKey("File"));
        Assert.Throws<KeyNotFoundException>(() => stems["File"]);
        Assert.Equal([new("Dir", "src/d1"), new KeyValuePair<string, string>("Base", "f1")], stems.ToList());
    }
}
