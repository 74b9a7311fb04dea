// The engine as a running job sees it: the narrow interface a backend uses while it runs one job for one
// request. Everything here is called on the engine thread (see IBackend.Run).
using Lmake.Autodep;

namespace Lmake.Server.Backends;

public interface IJobHost
{
    /// <summary>lmake -j N of the request that runs the job: at most N of its jobs at once (null: no bound).</summary>
    JobCountLimit? JobLimit { get; }

    /// <summary>lmake -t: the job's tmp dir is kept for the user to look into.</summary>
    bool KeepTmp { get; }

    /// <summary>lmake -l: the job runs on the local backend, whatever its rule's backend.</summary>
    bool RunsLocally { get; }

    /// <summary>lmake -b: options for the job's backend, as typed, split on white space (slurm: srun-like options).</summary>
    IReadOnlyList<string> BackendArgs { get; }

    /// <summary>lmake -N, else lmake.config.nice: the nice value of the job (0: none).</summary>
    int Nice { get; }

    /// <summary>When the request should be over (eta.md; lmake -E gives it): with the job's pressure, what Slurm's
    /// use_nice turns into a priority.</summary>
    DateTime EtaUtc { get; }

    /// <summary>lmake -s: the job may write sources.</summary>
    bool SourceOk { get; }

    /// <summary>lmake -o and the job may make an asked target: its stdout is shown while it runs (ShowStdoutLine).</summary>
    bool ShowsStdout { get; }

    /// <summary>A line of the job's stdout, for the request's client (lmake -o).</summary>
    void ShowStdoutLine(string line);

    /// <summary>A line for the request's user about how the job is run (its backend is not available, Slurm lost
    /// it and it was submitted again...).</summary>
    void Warn(string line);

    /// <summary>The job got past the backend's own wait for room (local: its resources; Slurm: a queue slot): the
    /// next job may be handed to the backend (RunAdmission). Called once, before <see cref="Started"/>.</summary>
    void PastQueue();

    /// <summary>The job got what it waited for (resources, a node) and starts now (lshow: running since).</summary>
    void Started();

    /// <summary>ldepend -v: makes these deps, then says for each what it is. While the deps are being made,
    /// <paramref name="whileWaiting"/> is given the wait (a backend lends the job's resources back meanwhile);
    /// it is not called when the deps are settled at once.</summary>
    Task<IReadOnlyList<DepVerdict>> MakeDeps(IReadOnlyList<string> files, Func<Task, Task> whileWaiting);

    /// <summary>lcheck_deps: are these deps settled (made, or nothing to make)? Those that are not are started,
    /// so that the job, stopped and run again, finds them made.</summary>
    bool CheckDeps(IReadOnlyList<string> depsSoFar);

    /// <summary>Is this repo name a source (listed, under a source dir, or matched by a SourceRule)?</summary>
    bool IsSource(string name);

    /// <summary>Is a file (regular, executable or symlink) at this repo name now?</summary>
    bool IsFileOnDisk(string name);

    /// <summary>lencode: the code of the value in the codec table (repo-relative or absolute), made when new, and
    /// the name of the association the job now depends on (its table is made and read first, as a dep is).</summary>
    Task<(string Code, string Entry)> Encode(string table, string context, string value, int minLen);

    /// <summary>ldecode: the value of the code (null: none) and the name of the association the job depends on.</summary>
    Task<(string? Value, string Entry)> Decode(string table, string context, string code);
}
