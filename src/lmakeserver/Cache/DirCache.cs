// One shared cache dir (cache.md) as an lmake server uses it: runs of jobs stored by any repo that names it in
// lmake.config.caches, found again by any other whose deps hold what the run saw. The dir's lcache_server
// (CacheServer, reached through CacheServerClient) says which runs a job has, most recently used first, and is told of
// each hit; the runs themselves are read here, from the dir. A run to store is written whole here in DIR/LMAKE/tmp/,
// then handed to lcache_server, which puts it in place by a rename after making room (its replacement policy), or
// refuses it (max_rate, too big): no reader ever sees a torn run, and the dir's bounds hold across every server. A run
// whose files cannot be read whole is a miss (lcache_repair removes it). The layout and the `info` format are in
// CacheEntry.cs.
using Lmake.Common;
using Lmake.Common.Checksums;
using Lmake.Common.Compression;
using Lmake.Server.Backends;
using Lmake.Server.Rules;

namespace Lmake.Server.Cache;

public sealed class DirCache
{
    private readonly CacheConfig _config;
    private readonly string _repoRoot;
    private readonly CacheServerClient _server;

    public DirCache(CacheConfig config, string repoRoot, CacheServerClient server)
    {
        _config = config;
        _repoRoot = repoRoot;
        _server = server;
    }

    public string Dir => _config.Dir;
    private string TmpDir => CacheServerWire.TmpDir(_config.Dir);

    /// <summary>Where the runs of the job lie, relative to the cache dir; null for a job whose name cannot be a path
    /// below it (nor travel to lcache_server).</summary>
    public static string? JobDir(JobPlan plan)
    {
        string name = $"{plan.JobName}/{plan.Rule.Name}-{plan.Rule.SignatureHash ^ XxHash.Xxh3_64(System.Text.Encoding.UTF8.GetBytes(plan.Script)):x16}";
        return CacheServerWire.IsName(name) ? name : null;
    }

    /// <summary>The first run of the job (most recently used first) whose every dep holds, once made, what the run
    /// saw; its files are put in place in the repo. Null: none.</summary>
    public async Task<JobRun?> Lookup(JobSubmission job, Func<string, Task<(FileChecksum Now, bool Waited)>> depNow)
    {
        if (JobDir(job.Plan) is not string jobDir || !Directory.Exists(Path.Combine(_config.Dir, jobDir))) return null;
        if (_server.Request("runs", jobDir) is not List<string[]> runs) return null;
        bool waited = false;
        foreach (string id in runs.Where(r => r is ["run", _]).Select(r => r[1]))
        {
            string run = Path.Combine(_config.Dir, jobDir, id);
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
            _server.Request("used", jobDir, id);   // kept longer
            var staticDeps = new HashSet<string>(job.Plan.StaticDeps.Select(d => d.Name), StringComparer.Ordinal);
            var discovered = new List<DiscoveredDep>();
            foreach (var (name, _) in entry.Deps)
                if (!staticDeps.Contains(name)) discovered.Add(new DiscoveredDep(name, DepFlags.None));
            return new JobRun(true, null, [], entry.Stderr, entry.ExecTime, discovered,
                entry.Files.Where(f => !f.IsSource).Select(f => f.Name).ToList(), false)
            {
                WrittenSources = entry.Files.Where(f => f.IsSource).Select(f => f.Name).ToList(),
                FromCache = waited ? CacheHit.AfterMakingDeps : CacheHit.Direct,
            };
        }
        return null;
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
    /// longer holds what the run left is not stored: the run is not), handed to lcache_server.</summary>
    public void Store(JobSubmission job, JobRun run, IReadOnlyList<(string Name, FileChecksum Seen)> deps,
        IReadOnlyList<(string Name, FileChecksum Content)> targets)
    {
        if (JobDir(job.Plan) is not string jobDir) return;
        string id = CacheEntry.RunId(deps);
        if (Directory.Exists(Path.Combine(_config.Dir, jobDir, id))) return;   // the same run, stored already (by this repo or another)
        var files = new List<CachedFile>();
        var contents = new List<byte[]>();
        foreach (var (name, content) in targets)
            if (!Take(name, content, false)) return;
        foreach (string name in run.WrittenSources)
            if (!Take(name, FileChecksum.None, true)) return;
        string repoKey = RepoKey.Of(_repoRoot, _config.RepoKey);
        var entry = new CacheEntry
        {
            ExecTime = run.ExecTime, CpuTime = run.Facts?.Cpu ?? TimeSpan.Zero, Stored = DateTime.UtcNow, RepoKey = repoKey, Deps = deps, Files = files, Stderr = run.Stderr,
        };
        string? tmp = null;
        try
        {
            string name = SecureRandom.Hex(16);
            tmp = Path.Combine(TmpDir, name);
            CacheDirModes.CreateDirectory(_config.Dir, tmp);   // (rights of the cache's root: others take it away too)
            using (var data = new Lz4CompressStream(File.Create(Path.Combine(tmp, "data"))))
                foreach (byte[] c in contents) data.Write(c);
            CacheDirModes.SetFileMode(_config.Dir, Path.Combine(tmp, "data"));
            File.WriteAllText(Path.Combine(tmp, "info"), entry.Format());   // last: a run without info is no run
            CacheDirModes.SetFileMode(_config.Dir, Path.Combine(tmp, "info"));
            // lcache_server puts it in place (or refuses it: max_rate, too big); either way tmp is its from now on
            if (_server.Request("commit", name, jobDir, id) is not null) tmp = null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }   // no room, no rights: not stored
        finally { if (tmp != null) RemoveTree(tmp); }

        // false: the file is not what the run left, nothing is stored
        bool Take(string name, FileChecksum content, bool isSource)
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
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return false; }
            if (!isSource && now != content) return false;   // rewritten since the run: not what the run left
            files.Add(new CachedFile(name, now, bytes.Length, isSource));
            contents.Add(bytes);
            return true;
        }
    }

    private static void RemoveTree(string dir)
    {
        try { Directory.Delete(dir, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
