// The make algorithm in process on more jobs than a request keeps its unfinished makings in (MakeRequest settles
// them past a thousand, each made one keeping its result only): chains src -> A -> B for a few hundred sources,
// some of them failing, built in one request, then again as a no-op. What the user sees must be the same as for
// a handful of jobs.
using Lmake.Common;

namespace Lmake.Server.Tests.Engine;

public class ManyJobsTests
{
    private const int Sources = 700;   // 1,400 jobs and 2,100 nodes, most of them not made at once

    private static string Source(int i) => $"s{i:D3}";
    private static bool Fails(int i) => i % 100 == 7;

    private static TestRepo Repo()
    {
        var sources = Enumerable.Range(0, Sources).Select(Source).ToArray();
        var repo = new TestRepo(sources, RuleSpec.Step("A", ".a"), RuleSpec.Step("B", ".b", ".a"));
        repo.Backend
            .On("A", job =>
            {
                string content = job.Dep("dep")!;
                if (content.StartsWith("bad", StringComparison.Ordinal)) job.Fail();
                else job.Write(job.Target, content + ".a");
            })
            .On("B", job => job.Write(job.Target, job.Dep("dep") + ".b"));
        for (int i = 0; i < Sources; i++) repo.Disk.Write(Source(i), Fails(i) ? "bad" : Source(i));
        return repo;
    }

    private static string[] AllB => Enumerable.Range(0, Sources).Select(i => Source(i) + ".b").ToArray();

    [Fact]
    public async Task EveryChainIsBuiltAndEveryFailureSaid()
    {
        using var repo = Repo();
        var (exit, client) = await repo.Build(AllB);
        Assert.Equal(ExitCode.BuildFailed, exit);
        int failing = Enumerable.Range(0, Sources).Count(Fails);
        Assert.Equal(Sources - failing, client.StatusTexts.Count(s => s.StartsWith("done B ", StringComparison.Ordinal)));
        Assert.Equal(failing, client.StatusTexts.Count(s => s.StartsWith("failed A ", StringComparison.Ordinal)));
        for (int i = 0; i < Sources; i++)
            Assert.Equal(Fails(i) ? null : Source(i) + ".a.b", repo.Disk.Read(Source(i) + ".b"));
        // each target the user asked for that could not be made is said, with the job that failed under it
        foreach (int i in Enumerable.Range(0, Sources).Where(Fails))
            Assert.Contains(client.Lines, l => l.Contains(Source(i) + ".a", StringComparison.Ordinal) && l.Contains("failed", StringComparison.Ordinal));
        Assert.Equal(2 * Sources - failing, repo.Backend.TotalRuns);
    }

    [Fact]
    public async Task TheSecondBuildRunsNothing()
    {
        using var repo = Repo();
        await repo.Build(AllB);
        int runs = repo.Backend.TotalRuns;
        var (exit, client) = await repo.Build(AllB);
        Assert.Equal(ExitCode.BuildFailed, exit);   // the failed jobs stay failed: their sources did not change
        Assert.Equal(runs, repo.Backend.TotalRuns);
        Assert.DoesNotContain(client.StatusTexts, s => s.StartsWith("done ", StringComparison.Ordinal));
    }
}
