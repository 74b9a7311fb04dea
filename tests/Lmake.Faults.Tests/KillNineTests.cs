// kill -9 of the server, of the lmake client or of a running job, at a random moment of a build: the next lmake
// ends 0 with every target right, and the one after it runs nothing; the client never hangs, and a client whose
// server was killed says so (exit 4) unless it had its answer; a server whose client was killed ends its jobs and
// exits once idle, and no process of the repo (server, job, job_exec) outlives its work.
using System.Diagnostics;
using Lmake.EndToEnd.Tests;
using Xunit.Abstractions;

namespace Lmake.Faults.Tests;

public class KillNineTests(ITestOutputHelper output)
{
    [Fact]
    public void AKillAtARandomMomentNeverLeavesAWrongResult()
    {
        int rounds = FaultReport.Rounds(@short: 6);
        var random = new Random(1234);
        using var g = new FaultGraph(seed: 99);
        Assert.Equal(0, g.Repo.Lmake("final").Result.ExitCode);
        var killed = new Dictionary<string, int> { ["server"] = 0, ["client"] = 0, ["job"] = 0, ["none"] = 0 };
        var problems = new List<string>();
        int seenWorking = 0;
        for (int round = 0; round < rounds; round++)
        {
            g.ChangeSomeSources();
            var stderr = new System.Text.StringBuilder();
            Process client = Processes.StartLmake(g.Repo.Repo, stderr, "final");
            Thread.Sleep(random.Next(0, 700));
            if (Processes.WorkingIn(g.Repo.Repo.Path).Contains(client.Id)) seenWorking++;   // the scan below sees a process
            string victim = Kill(g.Repo.Repo, client, random);
            killed[victim]++;
            if (!client.WaitForExit(60_000))
            {
                problems.Add($"round {round}: the client hung after the {victim} was killed");
                client.Kill(entireProcessTree: true);
            }
            else
            {
                client.WaitForExit();   // its stderr read to the end
                string said = stderr.ToString();
                if (victim == "server" && !(client.ExitCode == 0 || client.ExitCode == 4 && said.Contains("server")))
                    problems.Add($"round {round}: its server killed, the client ended {client.ExitCode} (4 and a line expected)\n{said}");
            }
            if (victim is "server" or "client")
            {
                // nobody left to serve: the server (if alive) ends the request's jobs and exits when idle, and
                // the jobs of a killed server end too
                foreach (int pid in Processes.WaitNoneWorkingIn(g.Repo.Repo.Path, TimeSpan.FromSeconds(30)))
                    problems.Add($"round {round} ({victim} killed): still working in the repo 30 s later: {pid} {Processes.CommandLine(pid)}");
            }
            LmakeOutput next = g.Repo.Lmake("final");
            if (next.Result.ExitCode != 0) problems.Add($"round {round} ({victim} killed): the next lmake ended {next.Result.ExitCode}\n{next}");
            foreach (string t in g.WrongTargets()) problems.Add($"round {round} ({victim} killed): {t} is wrong");
            LmakeOutput after = g.Repo.Lmake("final");
            if (after.Result.ExitCode != 0 || after.Jobs.Any())
                problems.Add($"round {round} ({victim} killed): the build after the recovery was no no-op\n{after}");
            foreach (string s in g.LostSources()) problems.Add($"round {round}: source {s} lost");
        }
        FaultReport.Write(output, $"kill -9: {rounds} rounds, killed server {killed["server"]}, client {killed["client"]}, " +
            $"job {killed["job"]} (build already over: {killed["none"]}); wrong results or lost files: {problems.Count}");
        Assert.True(problems.Count == 0, string.Join("\n", problems));
        Assert.True(seenWorking > 0, "the scan of the processes working in the repo never saw the running client");
    }

    /// <summary>Kills one process of the build, chosen at random among those alive: what was killed.</summary>
    private static string Kill(TempRepo repo, Process client, Random random)
    {
        int? server = Processes.ServerPid(repo);
        List<int> jobs = server is int s ? Processes.ChildrenOf(s) : [];
        var choices = new List<(string, int)>();
        if (!client.HasExited) choices.Add(("client", client.Id));
        if (server is int sp && Processes.IsAlive(sp)) choices.Add(("server", sp));
        if (jobs.Count > 0) choices.Add(("job", jobs[random.Next(jobs.Count)]));
        if (choices.Count == 0 || client.HasExited) return "none";
        var (what, pid) = choices[random.Next(choices.Count)];
        Processes.Kill9(pid);
        return what;
    }
}
