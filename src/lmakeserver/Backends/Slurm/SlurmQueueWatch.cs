// Watches the Slurm jobs whose job_exec has not reported yet: once a second while there are any, asks the
// controller their states. A job Slurm says is over (completed, failed, cancelled, node failure, timeout,
// preempted...) or has forgotten, and that has still not reported a few seconds later, is lost: it will never
// report (cancelled before it started, a node gone, job_exec unable to connect back), and is never taken as done.
using Lmake.Server.Backends.Remote;

namespace Lmake.Server.Backends.Slurm;

internal sealed class SlurmQueueWatch
{
    /// <summary>How long a job Slurm says is over may still take to report (its last frame in flight).</summary>
    private static readonly TimeSpan ReportGrace = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan Period = TimeSpan.FromSeconds(1);
    private static readonly HashSet<string> Waiting = new(StringComparer.Ordinal) { "PENDING", "CONFIGURING", "RUNNING", "COMPLETING", "SUSPENDED", "REQUEUED", "RESIZING", "SIGNALING", "STAGE_OUT" };

    private readonly SlurmClient _slurm;
    private readonly object _lock = new();
    private readonly Dictionary<long, (RemoteJobSlot Slot, DateTime? OverSince, string State)> _jobs = new();
    private Thread? _thread;

    public SlurmQueueWatch(SlurmClient slurm) => _slurm = slurm;

    public void Add(long slurmId, RemoteJobSlot slot)
    {
        lock (_lock)
        {
            _jobs[slurmId] = (slot, null, "PENDING");
            if (_thread != null) { Monitor.Pulse(_lock); return; }
            _thread = new Thread(Loop) { IsBackground = true, Name = "slurm queue" };
        }
        _thread.Start();
    }

    public void Remove(long slurmId)
    {
        lock (_lock) _jobs.Remove(slurmId);
    }

    private void Loop()
    {
        while (true)
        {
            long[] ids;
            lock (_lock)
            {
                while (_jobs.Count == 0) Monitor.Wait(_lock);
                ids = [.. _jobs.Keys];
            }
            Thread.Sleep(Period);
            Dictionary<long, string>? states = _slurm.States(ids);
            if (states == null) continue;   // the controller does not answer now: the jobs may still report
            DateTime now = DateTime.UtcNow;
            var lost = new List<(RemoteJobSlot, string)>();
            lock (_lock)
                foreach (long id in ids)
                {
                    if (!_jobs.TryGetValue(id, out var job) || job.Slot.HasEnded) continue;
                    string state = states.TryGetValue(id, out string? s) ? s : "gone from the queue";
                    if (Waiting.Contains(state)) { _jobs[id] = (job.Slot, null, state); continue; }
                    DateTime since = job.OverSince ?? now;
                    _jobs[id] = (job.Slot, since, state);
                    if (now - since >= ReportGrace) lost.Add((job.Slot, $"lost by slurm : job {id} is {state} and its job_exec did not report"));
                }
            foreach (var (slot, reason) in lost) slot.Lose(reason);
        }
    }
}
