// The local backend: runs jobs on this machine, at most -j at once, under dependency tracking (spec A8 environment) and sorts its accesses into a JobRun.
using Lmake.Autodep;
using Lmake.Common;
using Lmake.Common.Commands;
using Lmake.Server.Rules;

namespace Lmake.Server.Engine;

public sealed class LocalBackend
{
    /// <summary>How long a waiting job may be passed by later, smaller ones before its demand is held back.</summary>
    public static readonly TimeSpan HoldBackAfter = TimeSpan.FromSeconds(3);

    /// <summary>Where local jobs run (asked once: each read is a uname syscall).</summary>
    private static readonly string Host = Environment.MachineName;

    private readonly Graph _graph;
    private readonly InstallLayout _layout;
    private readonly Stack<int> _freeSmallIds = new();
    private int _nextSmallId = 1;
    private long _sequence;
    private ResourcePool? _pool;
    private Config? _poolConfig;

    public LocalBackend(Graph graph, InstallLayout layout)
    {
        _graph = graph;
        _layout = layout;
    }

    /// <summary>The resources of lmake.config.backends.local; made anew when the Lmakefile changed them
    /// (jobs still running then give theirs back to the pool they took them from).</summary>
    private ResourcePool Pool
    {
        get
        {
            Config config = _graph.Makefiles!.Config;
            if (_pool == null || _poolConfig != config)
            {
                Dictionary<string, long> capacity = ResourceDemand.LocalCapacity(config);
                if (_pool == null || !SameCapacity(_pool, capacity)) _pool = new ResourcePool(capacity, HoldBackAfter);
                _poolConfig = config;
            }
            return _pool;
        }
    }

    private static bool SameCapacity(ResourcePool pool, Dictionary<string, long> capacity) =>
        pool.Names.Count == capacity.Count && pool.Names.Select((n, i) => capacity.TryGetValue(n, out long c) && c == pool.Capacity(i)).All(x => x);

    /// <param name="maker">The request that runs the job: what the job asks for while running (ldepend -v,
    /// lcheck_deps) is made in it; its -j bounds the jobs it runs at once, its -o shows their stdout.</param>
    public async Task<JobRun> Run(Job job, Maker maker, CancellationToken cancelled)
    {
        ResourcePool pool = Pool;
        if (ResourceDemand.Of(job.Plan, pool, out string? refusal) is not long[] demand)
        {
            job.LastRunFacts = null;   // it did not run: lshow -i must not show the times of an earlier run
            return new JobRun(false, refusal, [refusal!], "", TimeSpan.Zero, [], [], false);
        }
        using var held = new HeldResources(await pool.Acquire(demand, maker.Request.JobLimit, cancelled), cancelled);
        int smallId = _freeSmallIds.Count > 0 ? _freeSmallIds.Pop() : _nextSmallId++;
        try { return await RunInSlot(job, maker, smallId, held, cancelled); }
        finally { _freeSmallIds.Push(smallId); }
    }

    private async Task<JobRun> RunInSlot(Job job, Maker maker, int smallId, HeldResources held, CancellationToken cancelled)
    {
        LmakeOptions options = maker.Request.Options;
        var commands = new EngineJobCommands(_graph, maker, (EngineLoop)SynchronizationContext.Current!, held);
        JobPlan plan = job.Plan;
        string root = _graph.RepoRoot;
        bool keep = options.KeepTmp || plan.KeepTmp;
        string tmp = TmpDir(job, smallId, keep);
        foreach (string target in plan.Targets)
        {
            string? dir = Path.GetDirectoryName(Path.Combine(root, target));
            if (dir != null && _madeDirs.Add(dir)) Directory.CreateDirectory(dir);
        }
        LiveStdoutLines? live = IsAskedTarget(job, maker.Request) ? new LiveStdoutLines(maker.Request, SynchronizationContext.Current!) : null;
        var spec = new JobSpec
        {
            Argv = SimpleCommand.Direct(plan.Argv) ?? plan.Argv,
            Cwd = root,
            Environment = Environ(job, smallId, tmp),
            RepoRoot = root,
            SourceDirs = _graph.AbsoluteSourceDirs,
            Method = plan.Autodep switch { "none" => AutodepMethod.None, "ptrace" => AutodepMethod.Ptrace, _ => AutodepMethod.LdPreload },
            StdinPath = plan.StdinDep is string stdin ? Path.Combine(root, stdin) : null,
            StdoutPath = plan.StdoutTarget is string stdout ? Path.Combine(root, stdout) : null,
            LiveStdout = live == null ? null : live.OnChunk,
            Timeout = plan.Timeout,
            KillSignals = plan.KillSigs.Count > 0 ? plan.KillSigs : [15, 9],
            CommandHandler = commands,
        };
        job.RunStarted = DateTime.Now;
        TrackedJob tracked = TrackedJob.Start(spec);
        JobOutcome outcome;
        using (cancelled.Register(tracked.Kill))
            outcome = await tracked.Completion;
        live?.Finish();
        job.LastRunFacts = new State.JobRunFacts(job.RunStarted, DateTime.Now, outcome.ExitCode, outcome.Cpu, outcome.MaxRssBytes,
            tmp, keep, Host, outcome.Stdout);
        job.RunStarted = default;
        if (!keep) EmptyTmpDir(tmp);
        return Analyze(job, outcome, commands, options.SourceOk);
    }

    /// <summary>lmake -o: may the job make one of the targets on the command line? (Of the rules that only may
    /// make a target, star or optional ones, each is tried in turn: each one's output is shown.)</summary>
    private static bool IsAskedTarget(Job job, MakeRequest req)
    {
        if (req.LiveOutTargets is not { } asked) return false;
        foreach (Node target in asked)
            if (target.Producer == job || (target.Candidates is { } candidates && Array.IndexOf(candidates, job) >= 0)) return true;
        return false;
    }

    // directories of targets known to exist: created once per server, not stat'ed again per job
    private readonly HashSet<string> _madeDirs = new(StringComparer.Ordinal);

    /// <summary>The job's $TMPDIR, empty. A kept one (-t, keep_tmp) is named after the job, for the user to
    /// look into; otherwise it is the running slot's (SMALL_ID), reused: a job that leaves it empty costs
    /// no mkdir/rmdir (inode allocation is a large part of a trivial job's cost on ext4).</summary>
    private string TmpDir(Job job, int smallId, bool keep)
    {
        string tmpRoot = new State.LmakeDir(_graph.RepoRoot).Tmp;
        if (keep)
        {
            string kept = Path.Combine(tmpRoot, job.Id.ToString());
            if (Directory.Exists(kept)) Directory.Delete(kept, recursive: true);
            Directory.CreateDirectory(kept);
            return kept;
        }
        string slot = Path.Combine(tmpRoot, "slot" + smallId);
        if (_madeDirs.Add(slot))
        {
            Directory.CreateDirectory(slot);
            EmptyTmpDir(slot);   // a server killed mid-job may have left files there
        }
        return slot;
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

    internal Dictionary<string, string> Environ(Job job, int smallId, string tmp)
    {
        string root = _graph.RepoRoot;
        var env = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["PATH"] = _layout.Bin + ":/usr/local/bin:/usr/bin:/bin",
            ["HOME"] = root,
            ["TMPDIR"] = tmp,
            ["PYTHONPATH"] = _layout.Lib,
            ["JOB_ID"] = job.Id.ToString(),
            ["SMALL_ID"] = smallId.ToString(),
            ["SEQUENCE_ID"] = Interlocked.Increment(ref _sequence).ToString(),
            ["REPO_ROOT"] = root,
            ["PYTHONDONTWRITEBYTECODE"] = "1",   // a .pyc written by python3 would be an unexpected write
        };
        foreach (var (key, value) in job.Plan.Environ)
        {
            // null is a bare `...`: the variable of the backend's (the server's) environment; a `...` inside a
            // value was already replaced when the plan was made (PartialPlan)
            string? v = value ?? Environment.GetEnvironmentVariable(key);
            if (v == null) env.Remove(key);
            else env[key] = v;
        }
        return env;
    }

    /// <param name="sourceOk">lmake -s: the job may write sources.</param>
    private JobRun Analyze(Job job, JobOutcome outcome, EngineJobCommands commands, bool sourceOk)
    {
        JobPlan plan = job.Plan;
        var notes = new List<string>();
        var staticDeps = new HashSet<string>(plan.StaticDeps.Select(d => d.Name), StringComparer.Ordinal);
        var staticTargets = new HashSet<string>(plan.Targets, StringComparer.Ordinal);
        var targets = new List<string>();
        var deps = new List<DiscoveredDep>();
        var unexpected = new List<string>();
        var listed = new List<string>();
        var writtenSources = new List<string>();
        foreach (Access access in outcome.Accesses)
        {
            string name = access.Name;
            if (State.LmakeDir.Contains(name)) continue;
            if ((access.TargetFlags & DeclaredTargetFlags.Ignore) != 0) continue;   // ltarget -I: not tracked at all
            bool written = (access.Kinds & (AccessKind.Write | AccessKind.Unlink)) != 0;
            bool isTarget = staticTargets.Contains(name) || plan.IsStarTarget(name, out _) || access.DeclaredTarget;
            if (written && _graph.IsSource(name))
            {
                // a source stays a source: written only with lmake -s or a source_ok target, else an error
                if (!sourceOk && (PlanFlags.Of(plan, name) & Rules.TargetFlags.SourceOk) == 0) writtenSources.Add(name);
                continue;
            }
            if (written || access.DeclaredTarget)
            {
                if (isTarget) { if (_graph.IsFileOnDisk(name) && !targets.Contains(name)) targets.Add(name); }
                // a temporary file the job wrote then removed or renamed away (ar, editors) is no target
                else if (_graph.IsFileOnDisk(name)) unexpected.Add(name);
                continue;
            }
            if (isTarget || staticDeps.Contains(name)) continue;
            if ((access.Kinds & Access.ReadKinds) == 0) continue;
            if ((access.DepFlags & DeclaredDepFlags.Ignore) != 0) continue;
            if (access.ReaddirWithoutOk && !plan.ReaddirOk) listed.Add(name);
            deps.Add(new DiscoveredDep(name, DepFlagsOf(access)));
        }
        foreach (string table in commands.CodecTables)
        {
            Graph.Invalidate(_graph.Node(table));   // lencode may have added to it: look at the disk again
            if (!deps.Any(d => d.Name == table)) deps.Add(new DiscoveredDep(table, Rules.DepFlags.None));
        }
        foreach (string t in plan.Targets)
            if (!targets.Contains(t) && _graph.IsFileOnDisk(t)) targets.Add(t);

        string? fail = null;
        if (outcome.TimedOut) fail = "timeout";
        else if (outcome.Killed) fail = "killed";
        else if (outcome.ExitCode != 0) fail = outcome.ExitCode > 128 ? $"killed by signal {outcome.ExitCode - 128}" : $"exit code {outcome.ExitCode}";
        foreach (string name in unexpected)
        {
            fail ??= $"unexpected write to {name}";
            notes.Add($"unexpected write to {name}");
            notes.Add($"consider : lmake.target('{name}') or ltarget {name}");
        }
        foreach (string t in plan.Targets)
            if (!targets.Contains(t) && !plan.IsOptionalTarget(t))
            {
                fail ??= $"missing target {t}";
                notes.Add($"missing target : {t}");
            }
        foreach (string name in writtenSources)
        {
            fail ??= $"wrote the source {name}";
            notes.Add($"unexpected write to source {name}");
            notes.Add("consider : lmake -s, or the source_ok flag on the target");
        }
        foreach (string dir in listed)
        {
            fail ??= $"readdir of {dir} without readdir_ok";
            notes.Add($"readdir of {dir} without readdir_ok");
            notes.Add($"consider : readdir_ok = True in the rule, or ldepend -D {dir}");
        }
        if (fail == null && outcome.Stderr.Length > 0 && !plan.StderrOk) fail = "wrote to stderr";
        if (commands.CheckDepsFailed) return new JobRun(false, "stopped by lcheck_deps", notes, outcome.Stderr, outcome.Wall, deps, targets, false, MustRerun: true);
        return new JobRun(fail == null, fail, notes, outcome.Stderr, outcome.Wall, deps, targets, outcome.Killed);
    }

    /// <summary>What ldepend said of a dep, in the rules' terms; a dep named by ldepend is required unless -r.</summary>
    private static Rules.DepFlags DepFlagsOf(Access access)
    {
        DeclaredDepFlags d = access.DepFlags;
        var flags = Rules.DepFlags.None;
        if ((d & DeclaredDepFlags.Critical) != 0) flags |= Rules.DepFlags.Critical;
        if ((d & DeclaredDepFlags.Essential) != 0) flags |= Rules.DepFlags.Essential;
        if ((d & DeclaredDepFlags.IgnoreError) != 0) flags |= Rules.DepFlags.IgnoreError;
        if ((d & DeclaredDepFlags.ReaddirOk) != 0) flags |= Rules.DepFlags.ReaddirOk;
        if (access.Declared && (d & DeclaredDepFlags.NotRequired) == 0) flags |= Rules.DepFlags.Required;
        return flags;
    }
}
