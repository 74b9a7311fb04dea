// The gate to the backends in process (fake disk, gated fake backend, which holds a run's place until it ends):
// when more jobs are ready than the gate lets into the backends' queues, the others wait at the gate, counted as
// queued; each one runs once all the same, once for two requests that both wait for it, and not at all for a
// request that leaves first.
using Lmake.Common;
using Lmake.Server.Engine;

namespace Lmake.Server.Tests.Engine;

public class RunAdmissionTests
{
    private const int Places = RunAdmission.MaxInBackendQueues;
    private const int Jobs = Places + 40;

    private static string Source(int i) => $"s{i:D3}";
    private static string Target(int i) => Source(i) + ".a";

    // Jobs independent jobs, each run held by its own gate
    private static (TestRepo Repo, Gate[] Gates) Repo()
    {
        var sources = Enumerable.Range(0, Jobs).Select(Source).ToArray();
        var repo = new TestRepo(sources, RuleSpec.Step("A", ".a"));
        repo.Backend.On("A", job => job.Write(job.Target, "a of " + job.Dep("dep")));
        foreach (string s in sources) repo.Disk.Write(s, s);
        return (repo, Enumerable.Range(0, Jobs).Select(i => repo.Backend.GateOf("A", Target(i))).ToArray());
    }

    private static string[] Targets(int from, int to) => Enumerable.Range(from, to - from).Select(Target).ToArray();

    // once the engine is idle, the runs that reached the backend
    private static async Task<int> RunsHanded(TestRepo repo)
    {
        for (int i = 0; i < 50; i++) await repo.Settled();
        return repo.Backend.TotalRuns;
    }

    // a request for every target: the runs the gate lets through reach the backend, the others wait
    private static async Task<Task<int>> FillTheGate(TestRepo repo, CancellationToken cancelled)
    {
        Task<int> make = repo.Make(new RecordingClient(), cancelled, Targets(0, Jobs));
        Assert.Equal(Places, await RunsHanded(repo));
        return make;
    }

    // releases every run that reached its gate, until every request ended
    private static async Task ReleaseAll(TestRepo repo, Gate[] gates, params Task[] requests)
    {
        while (!requests.All(r => r.IsCompleted))
        {
            await repo.Settled();
            foreach (Gate g in gates) if (g.Entered.IsCompleted) g.Release();
            await Task.WhenAny(Task.WhenAll(requests), Task.Delay(10));
        }
    }

    [Fact]
    public async Task OnlySoManyRunsAreHandedToTheBackendTheOthersWaitQueued()
    {
        var (repo, gates) = Repo();
        using var _ = repo;
        Task<int> make = await FillTheGate(repo, CancellationToken.None);
        Assert.Equal(Jobs - Places, repo.Graph.Admission.Waiting);
        // the jobs waiting at the gate are queued for the progress line (the fake backend starts what it is handed)
        var (running, queued, _) = repo.Graph.Progress.Snapshot(DateTime.UtcNow);
        Assert.Equal((Places, Jobs - Places), (running, queued));
        // a job waiting at the gate holds no plan yet (it is made when its turn comes: JobShape), one handed to the backend does
        Assert.Equal(Places, repo.Graph.Jobs.Count(j => j.HasPlan));
        await ReleaseAll(repo, gates, make);
        Assert.Equal(ExitCode.Ok, await make);
        for (int i = 0; i < Jobs; i++)
        {
            Assert.Equal(1, repo.Backend.Runs("A", Target(i)));
            Assert.Equal("a of " + Source(i), repo.Disk.Read(Target(i)));
        }
        Assert.Equal(0, repo.Graph.Admission.Waiting);
    }

    [Fact]
    public async Task TwoRequestsWaitingForTheSameJobsRunEachOnce()
    {
        var (repo, gates) = Repo();
        using var _ = repo;
        Task<int> first = await FillTheGate(repo, CancellationToken.None);
        // the second asks for jobs that wait at the gate for the first
        var second = new RecordingClient();
        Task<int> two = repo.Make(second, CancellationToken.None, Targets(Jobs - 20, Jobs));
        await RunsHanded(repo);
        Assert.Equal(Jobs - Places + 20, repo.Graph.Admission.Waiting);
        await ReleaseAll(repo, gates, first, two);
        Assert.Equal(ExitCode.Ok, await first);
        Assert.Equal(ExitCode.Ok, await two);
        Assert.Equal(Jobs, repo.Backend.TotalRuns);
        // the second request joined the runs the first one started
        Assert.Equal(20, second.StatusTexts.Count(s => s.StartsWith("started A ", StringComparison.Ordinal)));
        Assert.Equal(20, second.StatusTexts.Count(s => s.StartsWith("done A ", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task ARequestThatLeavesStopsWaitingAtTheGate()
    {
        var (repo, gates) = Repo();
        using var _ = repo;
        using var cancel = new CancellationTokenSource();
        Task<int> make = await FillTheGate(repo, cancel.Token);
        cancel.Cancel();
        await make.WaitAsync(TimeSpan.FromSeconds(30));
        // the runs under way were killed, and the jobs at the gate never reached the backend
        Assert.Equal(Places, repo.Backend.TotalRuns);
        Assert.Equal(Places, gates.Count(g => g.Killed));
        Assert.Equal(0, repo.Graph.Admission.Waiting);
        Assert.Equal(0, repo.Graph.Progress.Snapshot(DateTime.UtcNow).Queued);
        // and a later build runs them all, the gate's places all given back
        Task<int> again = repo.Make(new RecordingClient(), CancellationToken.None, Targets(0, Jobs));
        await ReleaseAll(repo, gates.Select((g, i) => g.Killed ? repo.Backend.GateOf("A", Target(i)) : g).ToArray(), again);
        Assert.Equal(ExitCode.Ok, await again);
    }
}
