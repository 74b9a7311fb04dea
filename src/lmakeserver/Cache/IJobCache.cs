// The seam of the shared result cache (a later issue fills it): before a job is handed to its backend the engine
// asks the cache for a run of the same job (same rule, command and job name) whose deps all hold, now, the content
// that run saw; on a hit the cache puts its targets in place and the run is taken as the job's, without running
// it. After a job ran fine, the engine offers the run to the cache. NoJobCache is the cache of a repo without one.
using Lmake.Common.Checksums;
using Lmake.Server.Backends;

namespace Lmake.Server.Cache;

public interface IJobCache
{
    /// <summary>A cached run of <paramref name="job"/> whose deps have, now, the content it saw (asked through
    /// <paramref name="contentNow"/>), with its targets already in place; null: none, the job runs.</summary>
    Task<JobRun?> Lookup(JobSubmission job, Func<string, FileChecksum> contentNow);

    /// <summary>A run that ended fine, with the deps it read (and the content it saw of each), for others.</summary>
    void Store(JobSubmission job, JobRun run, IEnumerable<(string Name, FileChecksum Seen)> deps);
}
