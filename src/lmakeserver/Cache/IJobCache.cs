// The seam of the shared result cache: before a job is handed to its backend the engine asks the cache for a run of
// the same job (same rule, command and job name) whose deps hold, once made, the content that run saw; on a hit the
// cache puts its files in place and the run is taken as the job's, without running it. After a job ran fine, the
// engine offers the run to the cache. ConfiguredCaches serves the dirs of lmake.config.caches; NoJobCache is none.
using Lmake.Common.Checksums;
using Lmake.Server.Backends;

namespace Lmake.Server.Cache;

public interface IJobCache
{
    /// <summary>A cached run of <paramref name="job"/> whose deps have the content it saw, each asked through
    /// <paramref name="depNow"/> (which makes the dep first, and says whether that had to wait), with its files
    /// already in place (JobRun.FromCache says how it was found); null: none, the job runs.</summary>
    Task<JobRun?> Lookup(JobSubmission job, Func<string, Task<(FileChecksum Now, bool Waited)>> depNow);

    /// <summary>A run that ended fine, with its deps (and the content it saw of each, in the order it read them) and
    /// the targets it left (with their content as the engine recorded it), for others.</summary>
    void Store(JobSubmission job, JobRun run, IReadOnlyList<(string Name, FileChecksum Seen)> deps,
        IReadOnlyList<(string Name, FileChecksum Content)> targets);

    /// <summary>Something the user must hear of once (a cache dir whose lcache_server cannot be had), then null.</summary>
    string? TakeNotice() => null;
}
