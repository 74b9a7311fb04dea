// Two and four lmake commands at once on overlapping targets, in one repo: each job runs once, every command
// ends 0 with the targets right, and the store is sound after (the next build is a no-op).
using System.Diagnostics;
using Xunit.Abstractions;

namespace Lmake.Faults.Tests;

public class ConcurrentCommandsTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(2)]
    [InlineData(4)]
    public void CommandsAtOnceShareTheJobsAndAllSucceed(int commands)
    {
        int rounds = FaultReport.Rounds(@short: 3);
        var random = new Random(commands);
        using var g = new FaultGraph(seed: commands);
        Assert.Equal(0, g.Repo.Lmake("final").Result.ExitCode);
        var problems = new List<string>();
        int extraRuns = 0;
        for (int round = 0; round < rounds; round++)
        {
            for (int i = 1; i <= FaultGraph.Sources; i++) g.SetSource(i);   // every job has to run again
            g.ClearRuns();
            var clients = new List<Process>();
            for (int c = 0; c < commands; c++)
            {
                // overlapping asks: the whole graph, or some objects and the fan-in
                string[] asked = random.Next(2) == 0 ? ["final"]
                    : [.. FaultGraph.Targets.Where(_ => random.Next(3) == 0).DefaultIfEmpty("all")];
                clients.Add(Processes.StartLmake(g.Repo.Repo, asked));
            }
            foreach (Process p in clients)
            {
                if (!p.WaitForExit(120_000)) { problems.Add($"round {round}: a command hung"); p.Kill(entireProcessTree: true); continue; }
                if (p.ExitCode != 0) problems.Add($"round {round}: a command ended {p.ExitCode}");
            }
            Assert.Equal(0, g.Repo.Lmake("final").Result.ExitCode);   // what no command asked for
            foreach (var (job, runs) in g.Runs().Where(r => r.Value > 1))
            {
                problems.Add($"round {round}: {job} ran {runs} times");
                extraRuns += runs - 1;
            }
            foreach (string t in g.WrongTargets()) problems.Add($"round {round}: {t} is wrong");
            var after = g.Repo.Lmake("final");
            if (after.Result.ExitCode != 0 || after.Jobs.Any()) problems.Add($"round {round}: the next build was no no-op\n{after}");
        }
        FaultReport.Write(output, $"{commands} commands at once: {rounds} rounds, jobs run more than once: {extraRuns}, " +
            $"wrong results: {problems.Count}");
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }
}
