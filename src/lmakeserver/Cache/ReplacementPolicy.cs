// The index of the runs of one cache dir and its replacement policy (cache.md, "cache replacement policy"), kept by
// lcache_server alone, so that its bounds hold across every repo and server using the dir at once. It knows runs by
// their job (its folder below the dir) and id, with their size on disk, cost (the cpu time they took to make), the
// repo key that stored them, when they were stored and last used. When a run comes in, the runs to lose are, in order:
// 1/ of the runs of the job stored under the same repo key, all but the first and the last;
// 2/ beyond max_runs_per_job runs of the job, the least useful of the job;
// 3/ beyond the size bound, the least useful of the whole dir.
// The least useful is the one of largest (now - last use) * size / cost: an LRU whose aging speed is proportional to
// size over cpu time. The run coming in is never its own victim; a run bigger than the whole bound is refused.
// Pure: no file is touched here (CacheServer does what it decides), so it is tested in process.
namespace Lmake.Server.Cache;

public sealed class ReplacementPolicy(long sizeBound, int maxRunsPerJob)
{
    /// <summary>One run as the policy sees it; Cost in seconds, dates in ticks.</summary>
    public sealed class Run(string job, string id, long size, double cost, string repoKey, long stored)
    {
        public string Job => job;
        public string Id => id;
        public long Size => size;
        public double Cost => cost;
        public string RepoKey => repoKey;
        public long Stored => stored;
        public long LastUse { get; set; }
    }

    // the runs of each job, in the order they were stored
    private readonly Dictionary<string, List<Run>> _byJob = new(StringComparer.Ordinal);

    public long SizeBound => sizeBound;
    public int MaxRunsPerJob => maxRunsPerJob;
    /// <summary>The bytes the indexed runs take.</summary>
    public long TotalSize { get; private set; }
    public int Count { get; private set; }

    /// <summary>A run found on disk (the index made at start): taken as it is, nothing evicted.</summary>
    public void Load(Run run, long lastUse)
    {
        run.LastUse = lastUse;
        Insert(run);
    }

    /// <summary>The runs of <paramref name="job"/>, most recently used first.</summary>
    public IReadOnlyList<Run> RunsOf(string job) =>
        _byJob.TryGetValue(job, out List<Run>? runs) ? runs.OrderByDescending(r => r.LastUse).ToList() : [];

    public Run? Find(string job, string id) =>
        _byJob.TryGetValue(job, out List<Run>? runs) ? runs.Find(r => r.Id == id) : null;

    /// <summary>A hit: the run is used now. False when it is not indexed (evicted meanwhile).</summary>
    public bool Use(string job, string id, long now)
    {
        if (Find(job, id) is not Run run) return false;
        run.LastUse = Math.Max(run.LastUse, now);
        return true;
    }

    /// <summary>Takes <paramref name="run"/> in (stored and used now) and returns the runs to take away, already out of
    /// the index; null (nothing changed) when the run alone is bigger than the bound.</summary>
    public List<Run>? Admit(Run run, long now)
    {
        if (run.Size > sizeBound) return null;
        run.LastUse = now;
        Insert(run);
        var victims = new List<Run>();
        List<Run> ofJob = _byJob[run.Job];
        // 1/ the first and the last of the repo key
        List<Run> sameKey = ofJob.Where(r => r.RepoKey == run.RepoKey).OrderBy(r => r.Stored).ToList();
        for (int i = 1; i < sameKey.Count - 1; i++)
            if (sameKey[i] != run) victims.Add(sameKey[i]);
        foreach (Run v in victims) Remove(v);
        // 2/ max_runs_per_job
        while (_byJob[run.Job].Count > maxRunsPerJob)
            victims.Add(Evict(LeastUseful(_byJob[run.Job].Where(r => r != run), now)!));
        // 3/ the size of the dir
        while (TotalSize > sizeBound)
            victims.Add(Evict(LeastUseful(_byJob.Values.SelectMany(rs => rs).Where(r => r != run), now)!));
        return victims;
    }

    /// <summary>How fast a run ages: (now - last use) * size / cost; the largest goes first.</summary>
    public static double Score(Run run, long now) =>
        Math.Max(now - run.LastUse, TimeSpan.TicksPerMillisecond) * (double)Math.Max(run.Size, 1) / Math.Max(run.Cost, 0.001);

    private static Run? LeastUseful(IEnumerable<Run> runs, long now) => runs.MaxBy(r => Score(r, now));

    private Run Evict(Run run)
    {
        Remove(run);
        return run;
    }

    /// <summary>Takes a run out of the index (evicted, or found gone).</summary>
    public void Remove(Run run)
    {
        if (!_byJob.TryGetValue(run.Job, out List<Run>? runs) || !runs.Remove(run)) return;
        if (runs.Count == 0) _byJob.Remove(run.Job);
        TotalSize -= run.Size;
        Count--;
    }

    private void Insert(Run run)
    {
        if (!_byJob.TryGetValue(run.Job, out List<Run>? runs)) _byJob[run.Job] = runs = [];
        runs.Add(run);
        TotalSize += run.Size;
        Count++;
    }
}
