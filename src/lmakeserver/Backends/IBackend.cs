// The seam between the engine and whatever runs jobs. The engine decides that a job must run and hands it to a
// backend as a JobSubmission; the backend finds it a place (a slot of this machine, a node of a cluster), runs it
// under dependency tracking, and reports one JobRun. While the job runs, what it asks of the engine (ldepend -v,
// lcheck_deps, its live stdout) goes through the IJobHost it was given, never through the engine's types.
//
// A backend whose jobs run elsewhere (Slurm: `_bin/job_exec` on the allocated node, connecting back to the
// server with a per-job key) fits the same shape: Run submits, the remote reports arrive on another thread and
// are posted to the engine thread, and the task ends with the JobRun built from them by AccessSorter.
namespace Lmake.Server.Backends;

public interface IBackend
{
    /// <summary>The name rules give in their `backend` attribute (local, slurm...).</summary>
    string Name { get; }

    /// <summary>Runs the job to its end. Called on the engine thread; the IJobHost is called on it too (a backend
    /// posts to the SynchronizationContext it was called in). Cancelling kills the job: the run then ends Killed.</summary>
    Task<JobRun> Run(JobSubmission job, IJobHost host, CancellationToken cancel);

    /// <summary>What its running jobs hold now, per resource, with what it has.</summary>
    IReadOnlyList<ResourceUse> Held { get; }
}

/// <summary>One resource of a backend: how much its jobs hold and how much there is (long.MaxValue: unbounded).</summary>
public readonly record struct ResourceUse(string Name, long InUse, long Capacity);
