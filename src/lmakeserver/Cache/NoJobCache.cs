// The cache of a repo that has none (lmake.config.caches empty): every lookup misses, nothing is kept.
using Lmake.Common.Checksums;
using Lmake.Server.Backends;

namespace Lmake.Server.Cache;

public sealed class NoJobCache : IJobCache
{
    public static readonly NoJobCache Instance = new();

    private static readonly Task<JobRun?> Miss = Task.FromResult<JobRun?>(null);

    public Task<JobRun?> Lookup(JobSubmission job, Func<string, FileChecksum> contentNow) => Miss;

    public void Store(JobSubmission job, JobRun run, IEnumerable<(string Name, FileChecksum Seen)> deps) { }
}
