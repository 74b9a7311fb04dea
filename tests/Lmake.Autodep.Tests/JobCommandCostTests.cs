// `ldepend a` run 100 times in a row in one job: every call is recorded. What a call costs (start of the AOT
// executable, connect, request, reply) is printed for the record, never asserted: bench/ measures speed.
using System.Diagnostics;
using Xunit.Abstractions;

namespace Lmake.Autodep.Tests;

public class JobCommandCostTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_hundred_ldepend_calls_in_a_row_are_all_recorded()
    {
        TrackedJob.ShimPath = InstalledTree.Shim;
        using var repo = new TempRepo();
        const int Calls = 100;
        var spec = new JobSpec
        {
            Argv = ["/bin/bash", "-c", $"for i in $(seq {Calls}); do ldepend a$i; done; ldepend -l | wc -l"],
            Cwd = repo.Path,
            RepoRoot = repo.Path,
            Environment = new Dictionary<string, string> { ["PATH"] = Path.Combine(InstalledTree.Root, "bin") + ":/usr/bin:/bin" },
        };
        var watch = Stopwatch.StartNew();
        JobOutcome o = await TrackedJob.Start(spec).Completion.WaitAsync(TimeSpan.FromMinutes(2));
        double perCall = watch.Elapsed.TotalMilliseconds / Calls;
        output.WriteLine($"ldepend: {perCall:F2} ms per call (wall, under ld_preload, {Calls} calls)");
        Assert.Equal(0, o.ExitCode);
        Assert.Equal($"{Calls}\n", o.Stdout);
    }
}
