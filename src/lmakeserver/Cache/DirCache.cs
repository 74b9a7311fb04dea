// One shared cache dir (cache.md): runs of jobs stored by any repo that names it in lmake.config.caches, found
// again by any other whose deps hold what the run saw. Each run is written whole in DIR/LMAKE/tmp/ then renamed into
// place, and taken away by a rename too, so that a crash or a concurrent server never shows a torn run; a run whose
// files cannot be read is a miss. The layout and the `info` format are in CacheEntry.cs.
using Lmake.Common.Checksums;
using Lmake.Common.Compression;
using Lmake.Server.Backends;
using Lmake.Server.Rules;

namespace Lmake.Server.Cache;

public sealed class DirCache
{
    private readonly CacheConfig _config;
    private readonly string _repoRoot;
    // the bytes the cache holds, as last counted plus what this server stored since (-1: not counted yet)
    private long _size = -1;

    public DirCache(CacheConfig config, string repoRoot)
    {
        _config = config;
        _repoRoot = repoRoot;
    }

    public string Dir => _config.Dir;
    private string TmpDir => Path.Combine(_config.Dir, "LMAKE", "tmp");

    /// <summary>Where the runs of the job lie; null for a job whose name cannot be a path below the cache dir.</summary>
    public string? JobDir(JobPlan plan)
    {
        string name = plan.JobName;
        if (name.Length == 0 || name[0] == '/' || name.Split('/').Any(c => c is "" or "." or ".." or "LMAKE")) return null;
        return Path.Combine(_config.Dir, name, $"{plan.Rule.Name}-{plan.Rule.SignatureHash ^ XxHash.Xxh3_64(System.Text.Encoding.UTF8.GetBytes(plan.Script)):x16}");
    }

    /// <summary>The first run of the job (most recently used first) whose every dep holds, once made, what the run
    /// saw; its files are put in place in the repo. Null: none.</summary>
    public async Task<JobRun?> Lookup(JobSubmission job, Func<string, Task<(FileChecksum Now, bool Waited)>> depNow)
    {
        if (JobDir(job.Plan) is not string jobDir || !Directory.Exists(jobDir)) return null;
        bool waited = false;
        foreach (string run in RunsByLastUse(jobDir))
        {
            CacheEntry? entry = ReadEntry(run);
            if (entry == null) continue;
            bool match = true;
            foreach (var (name, seen) in entry.Deps)
            {
                var (now, w) = await depNow(name);
                waited |= w;
                if (now != seen) { match = false; break; }
            }
            if (!match || !Restore(run, entry)) continue;
            try { File.SetLastWriteTimeUtc(Path.Combine(run, "info"), DateTime.UtcNow); }   // used: kept longer
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
            var staticDeps = new HashSet<string>(job.Plan.StaticDeps.Select(d => d.Name), StringComparer.Ordinal);
            return new JobRun(true, null, [], entry.Stderr, entry.ExecTime,
                entry.Deps.Where(d => !staticDeps.Contains(d.Name)).Select(d => new DiscoveredDep(d.Name, DepFlags.None)).ToList(),
                entry.Files.Where(f => !f.IsSource).Select(f => f.Name).ToList(), false)
            {
                WrittenSources = entry.Files.Where(f => f.IsSource).Select(f => f.Name).ToList(),
                FromCache = waited ? CacheHit.AfterMakingDeps : CacheHit.Direct,
            };
        }
        return null;
    }

    private static IEnumerable<string> RunsByLastUse(string jobDir)
    {
        try
        {
            return new DirectoryInfo(jobDir).EnumerateDirectories()
                .Select(d => (d.FullName, Used: File.GetLastWriteTimeUtc(Path.Combine(d.FullName, "info"))))
                .OrderByDescending(r => r.Used).Select(r => r.FullName).ToList();
        }
        catch (IOException) { return []; }
        catch (UnauthorizedAccessException) { return []; }
    }

    private static CacheEntry? ReadEntry(string run)
    {
        try { return CacheEntry.Parse(File.ReadAllText(Path.Combine(run, "info"))); }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
    }

    /// <summary>Writes the run's files in the repo, each through a temporary name renamed over its own; false (and
    /// nothing left half written) when the run cannot be read whole.</summary>
    private bool Restore(string run, CacheEntry entry)
    {
        var contents = new List<byte[]>(entry.Files.Count);
        try
        {
            using var data = new Lz4DecompressStream(File.OpenRead(Path.Combine(run, "data")));
            foreach (CachedFile f in entry.Files)
            {
                byte[] bytes = new byte[f.Size];
                data.ReadExactly(bytes);
                if (!SameContent(f.Content, bytes)) return false;
                contents.Add(bytes);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException or EndOfStreamException) { return false; }
        for (int i = 0; i < entry.Files.Count; i++) Write(entry.Files[i], contents[i]);
        return true;
    }

    private static bool SameContent(FileChecksum expected, byte[] bytes) =>
        expected.Kind == FileKind.Symlink
            ? FileChecksum.OfSymlinkText(System.Text.Encoding.UTF8.GetString(bytes)) == expected
            : new FileChecksum(expected.Kind, XxHash.Xxh3_64(bytes), bytes.Length == 0) == expected;

    private void Write(CachedFile f, byte[] bytes)
    {
        string path = Path.IsPathRooted(f.Name) ? f.Name : Path.Combine(_repoRoot, f.Name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        string tmp = path + ".lmake_cache";
        File.Delete(tmp);
        if (f.Content.Kind == FileKind.Symlink) File.CreateSymbolicLink(tmp, System.Text.Encoding.UTF8.GetString(bytes));
        else
        {
            File.WriteAllBytes(tmp, bytes);
            if (f.Content.Kind == FileKind.Executable)
                File.SetUnixFileMode(tmp, File.GetUnixFileMode(tmp) | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        }
        File.Move(tmp, path, overwrite: true);
    }

    /// <summary>Stores a run that ended fine: its deps as it saw them, and its files as they are now (a file that no
    /// longer holds what the run left is not stored: the run is not). Then the cache is kept within its bounds.</summary>
    public void Store(JobSubmission job, JobRun run, IReadOnlyList<(string Name, FileChecksum Seen)> deps,
        IReadOnlyList<(string Name, FileChecksum Content)> targets)
    {
        if (JobDir(job.Plan) is not string jobDir) return;
        string runDir = Path.Combine(jobDir, CacheEntry.RunId(deps));
        if (Directory.Exists(runDir)) return;   // the same run, stored already (by this repo or another)
        var files = new List<CachedFile>();
        var contents = new List<byte[]>();
        foreach (var (name, content, isSource) in targets.Select(t => (t.Name, t.Content, false))
                     .Concat(run.WrittenSources.Select(s => (s, FileChecksum.None, true))))
        {
            string path = Path.IsPathRooted(name) ? name : Path.Combine(_repoRoot, name);
            byte[] bytes;
            FileChecksum now;
            try
            {
                if (new FileInfo(path).LinkTarget is string link)
                {
                    bytes = System.Text.Encoding.UTF8.GetBytes(link);
                    now = FileChecksum.OfSymlinkText(link);
                }
                else
                {
                    bytes = File.ReadAllBytes(path);
                    bool exec = (File.GetUnixFileMode(path) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0;
                    now = new FileChecksum(exec ? FileKind.Executable : FileKind.Regular, XxHash.Xxh3_64(bytes), bytes.Length == 0);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return; }
            if (!isSource && now != content) return;   // rewritten since the run: not what the run left
            files.Add(new CachedFile(name, now, bytes.Length, isSource));
            contents.Add(bytes);
        }
        string repoKey = RepoKey.Of(_repoRoot, _config.RepoKey);
        var entry = new CacheEntry
        {
            ExecTime = run.ExecTime, Stored = DateTime.UtcNow, RepoKey = repoKey, Deps = deps, Files = files, Stderr = run.Stderr,
        };
        string? tmp = null;
        try
        {
            Directory.CreateDirectory(TmpDir);
            tmp = Path.Combine(TmpDir, Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(tmp);
            using (var data = new Lz4CompressStream(File.Create(Path.Combine(tmp, "data"))))
                foreach (byte[] c in contents) data.Write(c);
            File.WriteAllText(Path.Combine(tmp, "info"), entry.Format());   // last: a run without info is no run
            Directory.CreateDirectory(jobDir);
            Directory.Move(tmp, runDir);
            tmp = null;
            if (_size >= 0) _size += RunSize(runDir);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }   // another stored it meanwhile, or no room
        finally { if (tmp != null) RemoveTree(tmp); }
        KeepWithinBounds(jobDir, repoKey);
    }

    /// <summary>Of the runs of the job stored under this repo key, the first and the last; at most max_runs_per_job
    /// runs of the job; and the whole cache within its size: the runs that would cost least to lose go (cache.md: an
    /// LRU whose aging speed grows with size over the time the run took).</summary>
    private void KeepWithinBounds(string jobDir, string repoKey)
    {
        // the job's folder listed once: the runs evicted for the repo key leave the list before the count bound
        List<string> runs = RunsByLastUse(jobDir).ToList();
        var sameKey = runs.Select(r => (Run: r, Entry: ReadEntry(r)))
            .Where(r => r.Entry?.RepoKey == repoKey).OrderBy(r => r.Entry!.Stored).ToList();
        for (int i = 1; i < sameKey.Count - 1; i++)
        {
            Evict(sameKey[i].Run);
            runs.Remove(sameKey[i].Run);
        }
        foreach (string old in runs.Skip(_config.MaxRunsPerJob)) Evict(old);
        if (_size < 0 || _size > _config.Size) _size = CountAndEvict();
    }

    private long CountAndEvict()
    {
        var runs = new List<(string Dir, long Size, double Score)>();
        long total = 0;
        DateTime now = DateTime.UtcNow;
        foreach (string info in EnumerateInfos(_config.Dir))
        {
            string run = Path.GetDirectoryName(info)!;
            long size = RunSize(run);
            total += size;
            CacheEntry? e = ReadEntry(run);
            double age = Math.Max(1, (now - File.GetLastWriteTimeUtc(info)).TotalSeconds);
            double cost = Math.Max(0.001, e?.ExecTime.TotalSeconds ?? 0.001);
            runs.Add((run, size, age * size / cost));
        }
        if (total <= _config.Size) return total;
        foreach (var r in runs.OrderByDescending(r => r.Score))
        {
            if (total <= _config.Size) break;
            Evict(r.Dir);
            total -= r.Size;
        }
        return total;
    }

    private static IEnumerable<string> EnumerateInfos(string dir)
    {
        var options = new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = FileAttributes.ReparsePoint };
        return Directory.EnumerateFiles(dir, "info", options).Where(f => !f.StartsWith(Path.Combine(dir, "LMAKE") + "/", StringComparison.Ordinal));
    }

    private static long RunSize(string run)
    {
        long size = 0;
        foreach (string f in new[] { "info", "data" })
            try { size += new FileInfo(Path.Combine(run, f)).Length; }
            catch (IOException) { }
        return size;
    }

    /// <summary>Takes a run away: renamed out of its job's folder first (a reader sees it whole or not at all).</summary>
    private void Evict(string run)
    {
        try
        {
            Directory.CreateDirectory(TmpDir);
            string trash = Path.Combine(TmpDir, "evicted-" + Guid.NewGuid().ToString("N"));
            Directory.Move(run, trash);
            RemoveTree(trash);
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    private static void RemoveTree(string dir)
    {
        try { Directory.Delete(dir, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
