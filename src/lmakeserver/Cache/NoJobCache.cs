// The cache of a job whose rule names none (or of a repo without lmake.config.caches): every lookup misses,
// nothing is kept.
using Lmake.Common.Checksums;
using Lmake.Server.Backends;

namespace Lmake.Server.Cache;

public sealed class NoJobCache : IJobCache
{
    public static readonly NoJobCache Instance = new();

    private static readonly Task<JobRun?> Miss = Task.FromResult<JobRun?>(null);

    public Task<JobRun?> Lookup(JobSubmission job, Func<string, Task<(FileChecksum Now, bool Waited)>> depNow) => Miss;

    public void Store(JobSubmission job, JobRun run, IReadOnlyList<(string Name, FileChecksum Seen)> deps,
        IReadOnlyList<(string Name, FileChecksum Content)> targets) { }
}
