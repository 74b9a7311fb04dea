// A job while one run of it is under way: the run itself, shared by every request that needs the job (so that it
// runs once), how many of them still want it, what stops it, and when it got past its backend's queue.
using Lmake.Server.Backends;

namespace Lmake.Server.Engine;

public sealed class RunningJob
{
    private readonly CancellationTokenSource _cancel = new();

    /// <summary>Hands the job to its backend. Set as the job's run before this is called: a backend may start
    /// the job (IJobHost.Started) before Run returns.</summary>
    public void Start(Func<CancellationToken, Task<JobRun>> run) => Completion = run(_cancel.Token);

    /// <summary>Ends with what the backend reported.</summary>
    public Task<JobRun> Completion { get; private set; } = null!;

    public bool IsOver => Completion.IsCompleted;

    /// <summary>When the backend started it (default while it waits in the backend's queue): lshow.</summary>
    public DateTime Started { get; internal set; }

    /// <summary>Whether the run left what the job had left before it, as the first request to see the run's end
    /// decided (before it recorded the run); the requests that shared the run say the same.</summary>
    internal bool? Steady;

    /// <summary>What its backend was given (the cache is offered the run under the same).</summary>
    internal JobSubmission Submission { get; init; } = null!;

    /// <summary>An incremental target was there when the run started, and kept (Job.RanIncrementally).</summary>
    internal bool KeptIncremental;

    /// <summary>The incremental targets that were there when the run started: still there when it ends, they are
    /// its targets even unwritten (the job built on them and left them as they were).</summary>
    internal IReadOnlyList<string> KeptTargets = [];

    /// <summary>The job asked for deps (ldepend -v) that had to be made while it waited.</summary>
    internal bool WaitedForDeps;

    /// <summary>It holds a place at the gate to the backends until it gets past its backend's queue (RunAdmission).</summary>
    internal bool HoldsAdmission;

    /// <summary>The run is recorded (store, job info) by the first request that gets there, once.</summary>
    internal bool Recorded;

    /// <summary>How many requests still want the run: ^C of one of two clients sharing a job must not kill it
    /// for the other; the last one to leave stops it.</summary>
    private int _waiters;

    // what the requests waiting for the run's end are woken by: its end, or a request leaving it (that request then
    // stops waiting); one per run, made when a request first waits (a job waiting for a slot costs this alone, rather
    // than a cancel registration, a WhenAny and a TaskCompletionSource per request waiting: issue 18)
    private TaskCompletionSource? _changed;

    public void Join() => _waiters++;

    /// <summary>True when this was the last request wanting the run: it is stopped (its end then wakes the
    /// waiters); false: it goes on for the others, and the waiters are woken now (the leaving one stops waiting).</summary>
    public bool Leave()
    {
        if (--_waiters != 0)
        {
            Wake();
            return false;
        }
        _cancel.Cancel();
        return true;
    }

    /// <summary>Stopped: the last request that wanted it left, its end is on its way (killed).</summary>
    public bool Stopping => _cancel.IsCancellationRequested;

    /// <summary>Ends when the run ends or a request leaves it (not inline: its waiters go on later, on the thread
    /// of their await).</summary>
    public Task Changed() => HasEnded ? Task.CompletedTask : (_changed ??= new(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    /// <summary>The run's own task has reached its end (<see cref="Completion"/> is over, or about to be).</summary>
    public bool HasEnded { get; private set; }

    /// <summary>The run's own task calls this last, at its end, on the engine thread.</summary>
    internal void Ended()
    {
        HasEnded = true;
        Wake();
    }

    private void Wake()
    {
        TaskCompletionSource? changed = _changed;
        _changed = null;
        changed?.TrySetResult();
    }
}
