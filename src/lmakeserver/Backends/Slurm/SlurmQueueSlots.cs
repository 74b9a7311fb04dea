// n_max_queued_jobs: for each set of resources (the sbatch options), at most that many jobs submitted to Slurm and
// not started yet; the others wait here, the most pressing first (backends.md: for a given set of resources, only
// the jobs of highest priority are submitted), then in the order they came, so that Slurm's queue stays short.
// Used on the engine thread only.
namespace Lmake.Server.Backends.Slurm;

public sealed class SlurmQueueSlots
{
    private sealed class Waiting
    {
        public int Queued;
        public long Arrivals;
        public readonly PriorityQueue<TaskCompletionSource, (double Pressure, long Arrival)> Turns = new(PressureOrder.Instance);
    }

    private readonly Dictionary<string, Waiting> _byResources = new(StringComparer.Ordinal);

    public int Queued => _byResources.Values.Sum(q => q.Queued);

    /// <summary>Done when the job may be submitted (it then counts as queued until Leave); cancelled with the job.</summary>
    public async Task Enter(string resources, int limit, CancellationToken cancelled, double pressure = 0)
    {
        if (!_byResources.TryGetValue(resources, out Waiting? queue)) _byResources[resources] = queue = new Waiting();
        if (queue.Queued < limit)
        {
            queue.Queued++;
            return;
        }
        var turn = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        queue.Turns.Enqueue(turn, (pressure, queue.Arrivals++));
        using (cancelled.Register(() => turn.TrySetCanceled()))
            await turn.Task;   // Leave counted this job in before letting it go
    }

    /// <summary>The job started (or ended without starting): the next waiting one may be submitted.</summary>
    public void Leave(string resources)
    {
        Waiting queue = _byResources[resources];
        while (queue.Turns.TryDequeue(out TaskCompletionSource? next, out _))
            if (next.TrySetResult()) return;   // its place is taken over: the count stays
        if (--queue.Queued == 0) _byResources.Remove(resources);
    }
}
