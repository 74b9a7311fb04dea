// A backend for the engine's tests: a job is a C# behaviour chosen by its rule's name, that reads and writes the
// FakeDisk instead of running a command. It counts the runs of each job, and a job may be gated: its run then
// waits until the test releases it, and ends killed when the engine cancels it (every request left).
using Lmake.Server.Backends;

namespace Lmake.Server.Tests.Engine;

public sealed class FakeBackend(FakeDisk disk) : IBackend
{
    public static readonly TimeSpan ExecTime = TimeSpan.FromMilliseconds(10);

    private readonly Dictionary<string, Action<FakeJob>> _behaviours = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _runs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Gate> _gates = new(StringComparer.Ordinal);

    public string Name => "local";
    public IReadOnlyList<ResourceUse> Held => [];

    /// <summary>What the jobs of <paramref name="rule"/> do.</summary>
    public FakeBackend On(string rule, Action<FakeJob> behaviour)
    {
        _behaviours[rule] = behaviour;
        return this;
    }

    /// <summary>The next run of the job `rule jobName` waits at this gate.</summary>
    public Gate GateOf(string rule, string jobName)
    {
        var gate = new Gate();
        lock (_gates) _gates[Key(rule, jobName)] = gate;
        return gate;
    }

    /// <summary>How many times the job `rule jobName` was run.</summary>
    public int Runs(string rule, string jobName)
    {
        lock (_runs) return _runs.GetValueOrDefault(Key(rule, jobName));
    }

    public int TotalRuns
    {
        get { lock (_runs) return _runs.Values.Sum(); }
    }

    private static string Key(string rule, string jobName) => $"{rule} {jobName}";

    public async Task<JobRun> Run(JobSubmission submission, IJobHost host, CancellationToken cancel)
    {
        string key = Key(submission.Plan.Rule.Name, submission.Plan.JobName);
        lock (_runs) _runs[key] = _runs.GetValueOrDefault(key) + 1;
        host.Started();
        // a real run never ends at once (the job is another process): what waits for it is told so
        await Task.Yield();
        Gate? gate;
        lock (_gates) _gates.Remove(key, out gate);
        if (gate != null)
        {
            // a plain await: the run goes on on the engine thread, as IBackend requires
            if (!await gate.Pass(cancel))
                return new JobRun(false, "killed", [], "", ExecTime, [], [], Killed: true);
        }
        var job = new FakeJob(submission.Plan, disk);
        if (!_behaviours.TryGetValue(submission.Plan.Rule.Name, out var behaviour))
            throw new InvalidOperationException($"no fake behaviour for rule {submission.Plan.Rule.Name}");
        behaviour(job);
        return job.Result();
    }
}

/// <summary>Holds one run of a job until the test releases it.</summary>
public sealed class Gate
{
    private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _killed;

    /// <summary>Ends when the run reached the gate (the job is running).</summary>
    public Task Entered => _entered.Task;

    /// <summary>The engine cancelled the run while it waited (it ended killed).</summary>
    public bool Killed => _killed;

    public void Release() => _released.TrySetResult();

    /// <summary>True when released, false when cancelled first.</summary>
    internal async Task<bool> Pass(CancellationToken cancel)
    {
        _entered.TrySetResult();
        var cancelled = new TaskCompletionSource();
        using (cancel.Register(() => cancelled.TrySetResult()))
        {
            if (await Task.WhenAny(_released.Task, cancelled.Task) == _released.Task) return true;
        }
        _killed = true;
        return false;
    }
}

/// <summary>One run of a job, as its behaviour sees it: its plan, the disk, and what it did.</summary>
public sealed class FakeJob(Rules.JobPlan plan, FakeDisk disk)
{
    private readonly List<DiscoveredDep> _discovered = [];
    private readonly List<string> _written = [];
    private string? _failReason;

    public Rules.JobPlan Plan => plan;
    public string Target => plan.Targets[0];
    public string Stem(string name) => plan.Stems[name];

    /// <summary>The static dep of that key, read.</summary>
    public string? Dep(string key) => Read(plan.StaticDeps.First(d => d.Key == key).Name);

    /// <summary>Reads a file (null: absent); one that is not a static dep is a discovered dep.</summary>
    public string? Read(string name)
    {
        if (!plan.StaticDeps.Any(d => d.Name == name) && !_written.Contains(name) && !_discovered.Any(d => d.Name == name))
            _discovered.Add(new DiscoveredDep(name, Rules.DepFlags.None));
        return disk.Read(name);
    }

    /// <summary>lmake.depend(*names, read=True, critical=...): one call, so the deps are parallel; returns what they hold.</summary>
    public string?[] DependRead(bool critical, params string[] names)
    {
        var flags = critical ? Rules.DepFlags.Critical : Rules.DepFlags.None;
        for (int i = 0; i < names.Length; i++)
            if (!_discovered.Any(d => d.Name == names[i])) _discovered.Add(new DiscoveredDep(names[i], flags, Parallel: i > 0));
        return names.Select(disk.Read).ToArray();
    }

    public void Write(string name, string content)
    {
        disk.Write(name, content);
        if (!_written.Contains(name)) _written.Add(name);
    }

    /// <summary>A scratch file: written, then removed before the job ends (echo >tmp ; rm tmp).</summary>
    public void WriteAndRemove(string name)
    {
        disk.Write(name, "scratch");
        disk.Unlink(name);
        if (!_removed.Contains(name)) _removed.Add(name);
    }

    private readonly List<string> _removed = [];

    /// <summary>The job ends in error (its command exited 1).</summary>
    public void Fail(string reason = "exit code 1") => _failReason = reason;

    internal JobRun Result() =>
        new(_failReason == null, _failReason, [], "", FakeBackend.ExecTime, _discovered.ToList(), _written.ToList(), Killed: false)
            { RemovedWrites = _removed.ToList() };
}
