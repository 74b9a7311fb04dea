// The caches of lmake.config.caches, each job going to the one its rule's `cache` attribute names (none: no cache).
// The config is asked at each use: a new Lmakefile may add, remove or move caches without a new server. One link to
// lcache_server per dir, kept for the life of this server.
using Lmake.Common.Checksums;
using Lmake.Server.Backends;
using Lmake.Server.Rules;

namespace Lmake.Server.Cache;

public sealed class ConfiguredCaches(string repoRoot) : IJobCache
{
    private readonly Dictionary<CacheConfig, DirCache> _dirs = [];
    private readonly Dictionary<string, CacheServerClient> _servers = new(StringComparer.Ordinal);

    private DirCache? For(JobSubmission job)
    {
        if (string.IsNullOrEmpty(job.Plan.Cache) || !job.Config.Caches.TryGetValue(job.Plan.Cache, out CacheConfig? config)) return null;
        if (!_dirs.TryGetValue(config, out DirCache? dir))
        {
            if (!_servers.TryGetValue(config.Dir, out CacheServerClient? server)) _servers[config.Dir] = server = new CacheServerClient(config.Dir);
            _dirs[config] = dir = new DirCache(config, repoRoot, server);
        }
        return dir;
    }

    public string? TakeNotice()
    {
        foreach (CacheServerClient s in _servers.Values)
            if (s.TakeNotice() is string n) return n;
        return null;
    }

    public Task<JobRun?> Lookup(JobSubmission job, Func<string, Task<(FileChecksum Now, bool Waited)>> depNow) =>
        For(job) is DirCache dir ? dir.Lookup(job, depNow) : Task.FromResult<JobRun?>(null);

    public void Store(JobSubmission job, JobRun run, IReadOnlyList<(string Name, FileChecksum Seen)> deps,
        IReadOnlyList<(string Name, FileChecksum Content)> targets) => For(job)?.Store(job, run, deps, targets);
}
