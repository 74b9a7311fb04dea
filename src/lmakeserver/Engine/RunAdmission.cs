// The gate a job that must run passes before it is handed to its backend (issue 18). A full build finds every job
// ready at once; handed to the backend, each one waiting there costs its run under way, its host, its submission,
// the backend's own waiter and cancel registration, and the suspended calls between them (about 1.3 KB a job).
// Here a waiting job costs one small entry: at most MaxInBackendQueues runs wait in backends' queues at once, and
// the others wait here, the most pressing first (JobPressure), as the backends themselves would serve them.
//
// A run holds one of the places from the time it is handed to its backend until it gets past the backend's own wait
// (local: its resources; Slurm: a queue slot; IJobHost.PastQueue), until it looks in a cache (a lookup may make
// deps, which must not wait behind it), or until it ends. A job already running for another request is joined at
// once; a job waiting here for several requests runs once: when one of them starts it, the others join that run.
// Everything here runs on the engine thread.
using System.Threading.Tasks.Sources;
using Lmake.Server.Backends;

namespace Lmake.Server.Engine;

public sealed class RunAdmission(ProgressBoard progress)
{
    /// <summary>Runs waiting in backends' queues at once. Enough for a backend to choose among (the local pool serves
    /// the job that fits, Slurm fills its queue slots one by one), small against a repo's jobs.</summary>
    public const int MaxInBackendQueues = 128;

    // a job waiting here for a request, and what it waits on: the entry is itself the awaited source (a TaskCompletionSource
    // and its task cost ~100 bytes more a waiting job, and their await under the engine's context one more object)
    private sealed class Entry(Job job, MakeRequest request) : IValueTaskSource<RunningJob?>
    {
        public readonly Job Job = job;
        public readonly MakeRequest Request = request;
        public bool Gone;   // woken or cancelled: a stale element of the queue
        public Entry? NextSameJob;   // another request waiting for the same job
        private ManualResetValueTaskSourceCore<RunningJob?> _turn = new() { RunContinuationsAsynchronously = true };

        public ValueTask<RunningJob?> Turn => new(this, _turn.Version);

        // an entry ends once, woken or cancelled: what comes after is ignored
        private bool Ended => _turn.GetStatus(_turn.Version) != ValueTaskSourceStatus.Pending;

        /// <summary>Its turn came: null, start the run; a run, join it.</summary>
        public void Wake(RunningJob? running)
        {
            if (!Ended) _turn.SetResult(running);
        }

        public void Cancel(CancellationToken cancelled)
        {
            if (!Ended) _turn.SetException(new OperationCanceledException(cancelled));
        }

        public RunningJob? GetResult(short token) => _turn.GetResult(token);
        public ValueTaskSourceStatus GetStatus(short token) => _turn.GetStatus(token);
        public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
            _turn.OnCompleted(continuation, state, token, flags);
    }

    // (−pressure, arrival): the most pressing first, then in the order they came
    private readonly PriorityQueue<Entry, (double, long)> _queue = new();
    // the entries still waiting for each job, chained (usually one: several requests may want the same job)
    private readonly Dictionary<Job, Entry> _byJob = [];
    private long _arrivals;
    private int _held;    // runs handed to a backend and not past its queue yet (RunningJob.HoldsAdmission)
    private int _woken;   // entries woken to start their run, whose request has not come back yet

    /// <summary>Jobs waiting here now.</summary>
    public int Waiting { get; private set; }

    /// <summary>Whether a run to start now must wait its turn (a job already running is joined without waiting).</summary>
    internal bool MustWait(Job job) => job.Running is not { IsOver: false } && (Waiting > 0 || _held + _woken >= MaxInBackendQueues);

    /// <summary>Waits for the job's turn. Null: this request starts the run (its place is kept for it: pass
    /// <c>reserved</c> to <see cref="Started"/> or give it back with <see cref="Unreserve"/>); a run: another request
    /// started it meanwhile, and this one is counted among its waiters (RunningJob.Join). Cancelled when the request
    /// leaves (<see cref="Leave"/>).</summary>
    internal ValueTask<RunningJob?> WaitTurn(Job job, MakeRequest request, double pressure)
    {
        var entry = new Entry(job, request);
        _queue.Enqueue(entry, (-pressure, _arrivals++));
        if (_byJob.TryGetValue(job, out Entry? first)) entry.NextSameJob = first;
        _byJob[job] = entry;
        Waiting++;
        progress.Submitted(job);   // counted as queued (and in the ETA) while it waits here
        request.LeavesGate(this);
        return entry.Turn;
    }

    /// <summary>A run is handed to its backend: it holds a place until <see cref="PastQueue"/>. Requests waiting here
    /// for the same job join it.</summary>
    internal void Started(Job job, RunningJob running, bool reserved)
    {
        if (reserved) _woken--;
        _held++;
        running.HoldsAdmission = true;
        if (!_byJob.Remove(job, out Entry? same)) return;
        for (Entry? e = same; e != null; e = e.NextSameJob)
        {
            Drop(e);
            running.Join();   // now, so that another request leaving the run does not stop it for this one
            e.Wake(running);
        }
    }

    // the entry no longer waits (woken or cancelled): what is left of it in the queue is skipped
    private void Drop(Entry e)
    {
        e.Gone = true;
        Waiting--;
    }

    /// <summary>A request woken to start a run did not start it (it joined a run, or it left).</summary>
    internal void Unreserve()
    {
        _woken--;
        Pump();
    }

    /// <summary>The run got past its backend's queue, looks in a cache, or ended: its place goes to the next job.</summary>
    internal void PastQueue(RunningJob? running)
    {
        if (running is not { HoldsAdmission: true }) return;
        running.HoldsAdmission = false;
        _held--;
        Pump();
    }

    /// <summary>The request left (^C, its client gone): it stops waiting here.</summary>
    internal void Leave(MakeRequest request)
    {
        foreach (var (job, first) in _byJob.ToArray())
        {
            Entry? kept = null;
            for (Entry? e = first, next; e != null; e = next)
            {
                next = e.NextSameJob;
                if (e.Request != request) { e.NextSameJob = kept; kept = e; continue; }
                Drop(e);
                e.Cancel(request.Cancelled);
            }
            if (kept != null) { _byJob[job] = kept; continue; }
            _byJob.Remove(job);
            if (job.Running == null) progress.Ended(job, null);   // nobody runs it after all
        }
        TrimOnceEmpty();
    }

    private void Unchain(Entry entry)
    {
        if (!_byJob.TryGetValue(entry.Job, out Entry? first)) return;
        if (first == entry)
        {
            if (entry.NextSameJob is { } next) _byJob[entry.Job] = next;
            else _byJob.Remove(entry.Job);
            return;
        }
        for (Entry e = first; e.NextSameJob is { } next; e = next)
            if (next == entry) { e.NextSameJob = entry.NextSameJob; return; }
    }

    // wakes the most pressing jobs while places are free (an entry's job never runs while the entry waits: the start of
    // a run takes every entry of its job out, Started)
    private void Pump()
    {
        while (_held + _woken < MaxInBackendQueues && _queue.TryDequeue(out Entry? e, out _))
        {
            if (e.Gone) continue;
            Unchain(e);
            Drop(e);
            _woken++;
            e.Wake(null);
        }
        TrimOnceEmpty();
    }

    // once nobody waits, what is left in the queue is stale: both tables are given back (EmptiedTables)
    private void TrimOnceEmpty()
    {
        if (Waiting > 0) return;
        _queue.Clear();
        _queue.TrimOnceEmpty();
        _byJob.TrimOnceEmpty();
    }
}
