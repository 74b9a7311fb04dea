// The local backend: runs jobs on this machine as its resources allow (ResourcePool), at most -j at once, under
// dependency tracking (spec A8 environment), and sorts their accesses into a JobRun (AccessSorter).
using Lmake.Autodep;
using Lmake.Common;
using Lmake.Common.Commands;
using Lmake.Server.Rules;
using Lmake.Server.State;

namespace Lmake.Server.Backends.Local;

public sealed class LocalBackend : IBackend
{
    /// <summary>How long a waiting job may be passed by later, smaller ones before its demand is held back.</summary>
    public static readonly TimeSpan HoldBackAfter = TimeSpan.FromSeconds(3);

    /// <summary>Where local jobs run (asked once: each read is a uname syscall).</summary>
    private static readonly string Host = Environment.MachineName;

    private readonly string _repoRoot;
    private readonly LmakeDir _lmakeDir;
    private readonly InstallLayout _layout;
    private readonly Stack<int> _freeSmallIds = new();
    private int _nextSmallId = 1;
    private long _sequence;
    private ResourcePool? _pool;
    private Config? _poolConfig;

    public LocalBackend(string repoRoot, InstallLayout layout)
    {
        _repoRoot = repoRoot;
        _lmakeDir = new LmakeDir(repoRoot);
        _layout = layout;
    }

    public string Name => "local";

    public IReadOnlyList<ResourceUse> Held
    {
        get
        {
            if (_pool is not { } pool) return [];
            var held = new ResourceUse[pool.Names.Count];
            for (int i = 0; i < held.Length; i++) held[i] = new ResourceUse(pool.Names[i], pool.InUse(pool.Names[i]), pool.Capacity(i));
            return held;
        }
    }

    /// <summary>The resources of lmake.config.backends.local; made anew when the Lmakefile changed them
    /// (jobs still running then give theirs back to the pool they took them from).</summary>
    private ResourcePool PoolFor(Config config)
    {
        if (_pool == null || _poolConfig != config)
        {
            Dictionary<string, long> capacity = ResourceDemand.LocalCapacity(config);
            if (_pool == null || !SameCapacity(_pool, capacity)) _pool = new ResourcePool(capacity, HoldBackAfter);
            _poolConfig = config;
        }
        return _pool;
    }

    private static bool SameCapacity(ResourcePool pool, Dictionary<string, long> capacity)
    {
        if (pool.Names.Count != capacity.Count) return false;
        for (int i = 0; i < pool.Names.Count; i++)
            if (!capacity.TryGetValue(pool.Names[i], out long c) || c != pool.Capacity(i)) return false;
        return true;
    }

    public Task<JobRun> Run(JobSubmission job, IJobHost host, CancellationToken cancelled) => Run(job, job.Plan.Resources, host, cancelled);

    /// <summary>The capacity of this backend under this config (what a job of an unavailable backend is fitted to).</summary>
    public IReadOnlyDictionary<string, long> Capacity(Config config) => ResourceDemand.LocalCapacity(config);

    /// <summary>Runs the job with these resources instead of its rule's (a job of a backend that is not
    /// available, its resources translated: SlurmToLocal).</summary>
    public async Task<JobRun> Run(JobSubmission job, IReadOnlyDictionary<string, string> resources, IJobHost host, CancellationToken cancelled)
    {
        ResourcePool pool = PoolFor(job.Config);
        // it cannot run here: no facts, so lshow -i does not show the times of an earlier run
        if (ResourceDemand.Of(job.Plan, resources, pool, out string? refusal) is not long[] demand)
            return new JobRun(false, refusal, [refusal!], "", TimeSpan.Zero, [], [], false);
        using var held = new HeldResources(await pool.Acquire(demand, host.JobLimit, cancelled, job.Pressure), cancelled);
        host.PastQueue();
        int smallId = _freeSmallIds.Count > 0 ? _freeSmallIds.Pop() : _nextSmallId++;
        try { return await RunInSlot(job, host, smallId, held, cancelled); }
        finally { _freeSmallIds.Push(smallId); }
    }

    private async Task<JobRun> RunInSlot(JobSubmission job, IJobHost host, int smallId, HeldResources held, CancellationToken cancelled)
    {
        SynchronizationContext engine = SynchronizationContext.Current!;
        var commands = new JobCommands(host, engine, held.WhileLent);
        JobPlan plan = job.Plan;
        string root = _repoRoot;
        bool keep = host.KeepTmp || plan.KeepTmp;
        // a $TMPDIR of the rule: the job's tmp dir is a sub-dir of it ("" : none), unless it is kept (then in LMAKE/)
        string? userTmp = keep ? null : UserTmpDir.Named(plan, root, Keys(job.Id, smallId, "", "0"));
        if (userTmp is { Length: > 0 } && UserTmpDir.Refusal(userTmp, job.Config) is string refused)
            return new JobRun(false, refused, [refused], "", TimeSpan.Zero, [], [], false);
        string tmp = userTmp switch
        {
            null => TmpDir(job.Id, smallId, keep),
            "" => "",
            _ => FreshDir(UserTmpDir.JobDir(userTmp, smallId)),
        };
        if (tmp.Length > 0 && !Directory.Exists(tmp))
        {
            string failure = $"cannot make the tmp dir {tmp}";
            return new JobRun(false, failure, [failure], "", TimeSpan.Zero, [], [], false);
        }
        foreach (string target in plan.Targets)
        {
            string? dir = Path.GetDirectoryName(Path.Combine(root, target));
            if (dir != null && _madeDirs.Add(dir)) Directory.CreateDirectory(dir);
        }
        Dictionary<string, string> environment = Environ(job.Id, plan, smallId, tmp);
        JobNamespace? jobNamespace = null;
        if (plan.Views is { } views)
        {
            // repo_view, tmp_view, views...: the mounts the job's namespace is made of, and what the job sees
            var site = new NamespaceSite(root, tmp, _layout.Root, _lmakeDir.NamespaceRoot, _lmakeDir.OverlayWorkOf(smallId), TrackedJob.ShimPath);
            jobNamespace = NamespacePlanner.Plan(views, site, out string? refusal);
            if (jobNamespace is null) return new JobRun(false, refusal, [refusal!], "", TimeSpan.Zero, [], [], false);
            NamespacePlanner.AdjustEnvironment(environment, views, site);
        }
        LiveStdoutLines? live = host.ShowsStdout ? new LiveStdoutLines(host, engine) : null;
        var spec = new JobSpec
        {
            // (with views, the helper execs the program itself: a one-word command is not looked for natively)
            Argv = jobNamespace is null ? SimpleCommand.Direct(plan.Argv) ?? plan.Argv : plan.Argv,
            Cwd = root,
            Namespace = jobNamespace,
            Environment = environment,
            RepoRoot = root,
            SourceDirs = job.OutsideSourceDirs.ForTracker,
            Method = plan.Autodep switch { "none" => AutodepMethod.None, "ptrace" => AutodepMethod.Ptrace, _ => AutodepMethod.LdPreload },
            AutoMkdir = plan.AutoMkdir,
            FollowExternalLinks = job.Config.LinkSupport == "full_ext",
            StdinPath = plan.StdinDep is string stdin ? Path.Combine(root, stdin) : null,
            StdoutPath = plan.StdoutTarget is string stdout ? Path.Combine(root, stdout) : null,
            LiveStdout = live == null ? null : live.OnChunk,
            Timeout = plan.Timeout,
            KillSignals = plan.KillSigs.Count > 0 ? plan.KillSigs : [15, 9],
            Nice = host.Nice,
            CommandHandler = commands,
            CodecTables = job.Config.CodecTablesOf(root),
        };
        DateTime started = DateTime.Now;
        host.Started();
        TrackedJob tracked = TrackedJob.Start(spec);
        JobOutcome outcome;
        using (cancelled.Register(tracked.Kill))
            outcome = job.OutsideSourceDirs.Rename(await tracked.Completion);
        live?.Finish();
        var facts = new JobRunFacts(started, DateTime.Now, outcome.ExitCode, outcome.Cpu, outcome.MaxRssBytes,
            tmp, keep, Host, outcome.Stdout);
        if (userTmp is { Length: > 0 }) RemoveDir(tmp);
        else if (!keep && tmp.Length > 0) EmptyTmpDir(tmp);
        return AccessSorter.Sort(plan, outcome, commands, host, facts);
    }

    // directories of targets known to exist: created once per server, not stat'ed again per job
    private readonly HashSet<string> _madeDirs = new(StringComparer.Ordinal);

    /// <summary>The job's $TMPDIR, empty. A kept one (-t, keep_tmp) is named after the job, for the user to
    /// look into; otherwise it is the running slot's (SMALL_ID), reused: a job that leaves it empty costs
    /// no mkdir/rmdir (inode allocation is a large part of a trivial job's cost on ext4).</summary>
    private string TmpDir(uint jobId, int smallId, bool keep)
    {
        if (keep)
        {
            string kept = _lmakeDir.TmpOf(jobId);
            if (Directory.Exists(kept)) Directory.Delete(kept, recursive: true);
            Directory.CreateDirectory(kept);
            return kept;
        }
        string slot = _lmakeDir.TmpSlot(smallId);
        if (_madeDirs.Add(slot))
        {
            Directory.CreateDirectory(slot);
            EmptyTmpDir(slot);   // a server killed mid-job may have left files there
        }
        return slot;
    }

    /// <summary>dir, made empty (a server killed mid-job may have left one); unmade when it cannot be made.</summary>
    private static string FreshDir(string dir)
    {
        RemoveDir(dir);
        try { Directory.CreateDirectory(dir); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return dir;
    }

    private static void RemoveDir(string dir)
    {
        try { if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    private static void EmptyTmpDir(string tmp)
    {
        try
        {
            // the listing already says what each entry is: a real directory goes recursively, anything else
            // (a file, a symlink even to a directory) is unlinked
            foreach (FileSystemInfo entry in new DirectoryInfo(tmp).EnumerateFileSystemInfos())
            {
                if (entry is DirectoryInfo dir && dir.LinkTarget == null) dir.Delete(recursive: true);
                else entry.Delete();
            }
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    /// <summary>The $NAMEs replaced in the values of a rule's environ.</summary>
    private Dictionary<string, string> Keys(uint jobId, int smallId, string tmp, string sequenceId)
    {
        string root = _repoRoot;
        return new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["LMAKE_ROOT"] = _layout.Root,
            ["REPO_ROOT"] = root, ["TOP_REPO_ROOT"] = root,
            ["PHYSICAL_REPO_ROOT"] = root, ["PHYSICAL_TOP_REPO_ROOT"] = root,
            ["TMPDIR"] = tmp, ["PHYSICAL_TMPDIR"] = tmp,
            ["SMALL_ID"] = smallId.ToString(), ["SEQUENCE_ID"] = sequenceId, ["JOB_ID"] = jobId.ToString(),
            ["PYTHON"] = Rules.Makefiles.PythonExecutable, ["PYTHON_LD_LIBRARY_PATH"] = "",
            ["PYTHON2"] = "python2", ["PYTHON2_LD_LIBRARY_PATH"] = "",
            ["SHELL"] = "/bin/bash", ["STD_PATH"] = EnvironKeys.StdPath,
        };
    }

    /// <summary>The environment of a job (spec A8); lshow -E and ldebug show the same.</summary>
    public Dictionary<string, string> Environ(uint jobId, JobPlan plan, int smallId, string tmp)
    {
        string root = _repoRoot;
        var env = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["PATH"] = _layout.Bin + ":/usr/local/bin:/usr/bin:/bin",
            ["HOME"] = root,
            ["TMPDIR"] = tmp,
            ["PYTHONPATH"] = _layout.Lib,
            ["JOB_ID"] = jobId.ToString(),
            ["SMALL_ID"] = smallId.ToString(),
            ["SEQUENCE_ID"] = Interlocked.Increment(ref _sequence).ToString(),
            ["REPO_ROOT"] = root,
            ["PYTHONDONTWRITEBYTECODE"] = "1",   // a .pyc written by python3 would be an unexpected write
        };
        if (tmp.Length == 0) env.Remove("TMPDIR");   // the rule asked for no tmp dir
        if (plan.Environ.Count == 0) return env;
        Dictionary<string, string> keys = Keys(jobId, smallId, tmp, env["SEQUENCE_ID"]);
        foreach (var (key, value) in plan.Environ)
        {
            if (key == "TMPDIR") continue;   // the rule's $TMPDIR holds the job's tmp dir, which is what the job sees (UserTmpDir)
            // null is a bare `...`: the variable of the backend's (the server's) environment; a `...` inside a
            // value was already replaced when the plan was made (PartialPlan)
            string? v = value == null ? Environment.GetEnvironmentVariable(key) : EnvironKeys.Substitute(value, keys);
            if (v == null) env.Remove(key);
            else env[key] = v;
        }
        return env;
    }
}
