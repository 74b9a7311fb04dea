// Critical deps (open-lmake's critical_deps.md): when a critical dep a job read changed, the deps it read after it
// are not made before the job reruns (it may not read them any more); deps declared by one call are made together.
using Lmake.Common;

namespace Lmake.Server.Tests.Engine;

public class CriticalDepTests
{
    // L reads the list `lst` (critical), then the reports it names (critical, one call), then the file `tail`
    private static TestRepo Repo()
    {
        var repo = new TestRepo(["lst"], new RuleSpec("L", "out"), new RuleSpec("R", "{File}.rpt"), new RuleSpec("T", "tail"));
        repo.Disk.Write("lst", "a b\n");
        repo.Backend
            .On("R", job => job.Write(job.Target, "report " + job.Stem("File")))
            .On("T", job => job.Write("tail", "tail"))
            .On("L", job =>
            {
                string[] reports = job.DependRead(true, "lst")[0]!.Split(' ', StringSplitOptions.TrimEntries).Select(r => r + ".rpt").ToArray();
                string?[] contents = job.DependRead(true, reports);
                string? tail = job.Read("tail");
                job.Write("out", string.Join(",", contents) + tail);
            });
        return repo;
    }

    [Fact]
    public async Task DepsAfterAChangedCriticalDepAreMadeOnlyOnceTheJobReranWithIt()
    {
        using var repo = Repo();
        var (exit, client) = await repo.Build("out");
        Assert.Equal(ExitCode.Ok, exit);
        // the reports (one call) are made together; tail, read after them, is left out while they changed
        Assert.Equal(["new src lst", "may_rerun L out", "done R a.rpt", "done R b.rpt", "may_rerun L out", "done T tail", "done L out"],
            client.StatusTexts);
        Assert.Equal(3, repo.Backend.Runs("L", "out"));

        // a new list: the old reports are not made again before L reads the list anew
        repo.Disk.Write("lst", "c\n");
        repo.Disk.Unlink("a.rpt");
        (exit, client) = await repo.Build("out");
        Assert.Equal(ExitCode.Ok, exit);
        Assert.Equal(["changed src lst", "may_rerun L out", "done R c.rpt", "done L out"], client.StatusTexts);
        Assert.Equal(1, repo.Backend.Runs("R", "a.rpt"));
    }
}
