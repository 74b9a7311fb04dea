// What the server's backends hold now, for the progress a terminal shows (issue 16): the jobs handed to a backend,
// which of them started, and an estimate of each one's run time, from which the ETA comes as eta.md defines it:
// a job's last successful run time, or for a job that never ran ok the moving average of its rule's last runs;
// the sum of what is left, divided by the parallelism observed. Only the jobs already handed to a backend are
// known to be left (a job waiting for its deps is not counted yet): the ETA says when those should be over.
// Touched from the engine's thread and the backends' (a job starts): everything under one lock.
using Lmake.Server.State;

namespace Lmake.Server.Engine;

public sealed class ProgressBoard
{
    // the moving average of a rule counts this many last runs (eta.md: the last 100 jobs of the rule)
    private const int AverageWindow = 100;

    private readonly object _lock = new();
    private readonly Dictionary<Job, DateTime> _runs = [];   // -> when it started (default: queued)
    private readonly Dictionary<string, (double Mean, int Count)> _ruleAverages = new(StringComparer.Ordinal);
    private int _running, _mostRunning;

    /// <summary>The job was handed to its backend.</summary>
    public void Submitted(Job job)
    {
        lock (_lock) _runs[job] = default;
    }

    /// <summary>Its backend started it.</summary>
    public void Started(Job job)
    {
        lock (_lock)
        {
            if (!_runs.TryGetValue(job, out DateTime started) || started != default) return;
            _runs[job] = DateTime.UtcNow;
            _mostRunning = Math.Max(_mostRunning, ++_running);
        }
    }

    /// <summary>The run is over; <paramref name="okTime"/>: it ended ok and took that long (its rule's average learns it).</summary>
    public void Ended(Job job, TimeSpan? okTime)
    {
        lock (_lock)
        {
            if (_runs.Remove(job, out DateTime started) && started != default) _running--;
            _runs.TrimOnceEmpty();   // (a full build had every job here at once)
            if (okTime is not { } t) return;
            var (mean, count) = _ruleAverages.GetValueOrDefault(job.Rule.Name);
            count = Math.Min(count + 1, AverageWindow);
            _ruleAverages[job.Rule.Name] = (mean + (t.TotalSeconds - mean) / count, count);
        }
    }

    /// <summary>Jobs running and queued now, and when what they have left should be over (null: no estimate).</summary>
    public (int Running, int Queued, DateTime? Eta) Snapshot(DateTime nowUtc)
    {
        lock (_lock)
        {
            double left = 0;
            bool known = false;
            // (estimated now, not when submitted: a rule's average learns from the jobs that end meanwhile)
            foreach (var (job, started) in _runs)
            {
                double estimate = EstimateOf(job);
                if (estimate < 0) continue;
                known = true;
                left += started == default ? estimate : Math.Max(0, estimate - Math.Max(0, (nowUtc - started).TotalSeconds));
            }
            DateTime? eta = known ? nowUtc.AddSeconds(left / Math.Max(1, _mostRunning)) : null;
            return (_running, _runs.Count - _running, eta);
        }
    }

    /// <summary>Seconds the job should take (eta.md), or -1 when nothing is known of it nor of its rule. Its own last
    /// time needs no lock: the engine's hot path (JobPressure) asks it of every job it looks at.</summary>
    public double Estimate(Job job)
    {
        if (LastOkTime(job) is double known) return known;
        lock (_lock) return EstimateOf(job);
    }

    private static double? LastOkTime(Job job) =>
        job.Status == JobStatus.Ok && job.ExecTime > TimeSpan.Zero ? job.ExecTime.TotalSeconds : null;

    // (under the lock) seconds, or -1 when nothing is known of the job nor of its rule
    private double EstimateOf(Job job) =>
        LastOkTime(job) ?? (_ruleAverages.TryGetValue(job.Rule.Name, out var average) ? average.Mean : -1);
}
