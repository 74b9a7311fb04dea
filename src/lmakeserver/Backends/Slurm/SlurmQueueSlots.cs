// n_max_queued_jobs: for each set of resources (the sbatch options), at most that many jobs submitted to Slurm and
// not started yet; the others wait here, in the order they came, so that Slurm's queue stays short (backends.md).
// Used on the engine thread only.
namespace Lmake.Server.Backends.Slurm;

public sealed class SlurmQueueSlots
{
    private readonly Dictionary<string, (int Queued, Queue<TaskCompletionSource> Waiting)> _byResources = new(StringComparer.Ordinal);

    public int Queued => _byResources.Values.Sum(q => q.Queued);

    /// <summary>Done when the job may be submitted (it then counts as queued until Leave); cancelled with the job.</summary>
    public async Task Enter(string resources, int limit, CancellationToken cancelled)
    {
        if (!_byResources.TryGetValue(resources, out var queue)) queue = (0, new Queue<TaskCompletionSource>());
        if (queue.Queued < limit)
        {
            _byResources[resources] = (queue.Queued + 1, queue.Waiting);
            return;
        }
        var turn = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        queue.Waiting.Enqueue(turn);
        _byResources[resources] = queue;
        using (cancelled.Register(() => turn.TrySetCanceled()))
            await turn.Task;   // Leave counted this job in before letting it go
    }

    /// <summary>The job started (or ended without starting): the next waiting one may be submitted.</summary>
    public void Leave(string resources)
    {
        var queue = _byResources[resources];
        while (queue.Waiting.TryDequeue(out TaskCompletionSource? next))
            if (next.TrySetResult()) return;   // its place is taken over: the count stays
        if (queue.Queued == 1 && queue.Waiting.Count == 0) _byResources.Remove(resources);
        else _byResources[resources] = (queue.Queued - 1, queue.Waiting);
    }
}
