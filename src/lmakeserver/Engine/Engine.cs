// The engine of one repo: the graph, the rules it is resolved under, and the request entry point.
// Everything here runs on the engine thread (EngineLoop).
using Lmake.Common;
using Lmake.Common.Commands;
using Lmake.Server.Backends;
using Lmake.Server.Cache;
using Lmake.Server.Disk;
using Lmake.Server.Rules;
using Lmake.Server.State;
using Lmake.Server.Transport;

namespace Lmake.Server.Engine;

public sealed class Engine
{
    private readonly InstallLayout _layout;
    private readonly Graph _graph;
    private readonly Resolver _resolver;
    private IBackend? _backend;
    private readonly IJobCache _cache;
    private readonly LmakeDir _lmakeDir;

    /// <param name="disk">The repo's files; <paramref name="backend"/>, what runs its jobs (the local backend,
    /// made with the first request); <paramref name="cache"/>, the shared result cache. Tests give fakes of the
    /// three and drive the engine in process; LMAKE/ (store, saved rules, job infos) is on disk in any case.</param>
    public Engine(string repoRoot, InstallLayout layout, IRepoDisk? disk = null, IBackend? backend = null, IJobCache? cache = null)
    {
        _layout = layout;
        _lmakeDir = new LmakeDir(repoRoot);
        Directory.CreateDirectory(_lmakeDir.Dir);
        _graph = new Graph(repoRoot, new GraphStore(_lmakeDir.Dir), serving: true, disk);
        _resolver = new Resolver(_graph);
        _backend = backend;
        _cache = cache ?? new ConfiguredCaches(repoRoot);
    }

    public string RepoRoot => _graph.RepoRoot;

    /// <summary>For the admin commands (Admin/), which run on the engine thread too.</summary>
    public Graph Graph => _graph;
    public Resolver Resolver => _resolver;

    // server_start_proc ran and server_end_proc not yet: open-lmake's server lives while it has requests, so
    // the procs frame each stretch of requests (a server kept idle a while by us is the same server to users)
    private bool _serverStartProcDone;
    private int _activeRequests;   // lmake requests between their Lmakefile read and their answer (the engine thread's count)

    /// <summary>Calls lmake.config.<paramref name="proc"/> when the Lmakefile set it (config.md: server_start_proc,
    /// req_start_proc, req_end_proc, server_end_proc); what goes wrong is said, the request goes on.</summary>
    private void RunProc(string proc, IClientOutput? output)
    {
        if (_graph.Makefiles?.Config.HasProc(proc) != true || _graph.Evaluator == null) return;
        if (_graph.Evaluator.RunProc(proc) is string error) output?.Err($"lmake.config.{proc} : {error}");
    }

    /// <summary>At server exit: lmake.config.server_end_proc, when set and not run since the last requests.</summary>
    public void ServerEnd()
    {
        if (!_serverStartProcDone) return;
        _serverStartProcDone = false;
        RunProc("server_end_proc", null);
    }

    public async Task<int> Make(ClientRequest request, LmakeOptions options, IClientOutput client, CancellationToken cancelled)
    {
        using var output = new Transcript(client, _lmakeDir, DateTime.Now);
        try { LoadMakefiles(output, request.Environ); }
        catch (LmakefileException e)
        {
            output.Err(e.Message);
            return e.ExitCode == ExitCode.BadState ? ExitCode.BadState : ExitCode.BadLmakefile;
        }
        if (!_serverStartProcDone) { _serverStartProcDone = true; RunProc("server_start_proc", output); }
        RunProc("req_start_proc", output);
        _activeRequests++;
        try { return await MakeTargets(request, options, output, cancelled); }
        finally
        {
            RunProc("req_end_proc", output);
            // the last request gone: where open-lmake's server ends, before its client is answered
            if (--_activeRequests == 0 && _graph.Makefiles?.Config.HasProc("server_end_proc") == true) ServerEnd();
        }
    }

    private async Task<int> MakeTargets(ClientRequest request, LmakeOptions options, Transcript output, CancellationToken cancelled)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        long allocatedBefore = GC.GetTotalAllocatedBytes();
        int aheadBefore = _graph.StatsTakenAhead;
        TimeSpan transcript = clock.Elapsed;
        var targets = new List<string>();
        bool outside = false;
        foreach (string t in options.Targets)
        {
            string full = Path.GetFullPath(t, request.Cwd);
            string rel = Path.GetRelativePath(RepoRoot, full);
            if (rel == ".." || rel.StartsWith("../", StringComparison.Ordinal) || Path.IsPathRooted(rel))
            {
                // a status line (open-lmake's scripts count it), and the request fails as a target that cannot be built
                output.Out($"target {t} is outside the repo {RepoRoot}");
                outside = true;
                continue;
            }
            targets.Add(rel);
        }
        if (outside) return ExitCode.BuildFailed;
        _backend ??= new BackendChoice(RepoRoot, _layout);
        var req = new MakeRequest(output, cancelled, _graph.RuleWidth, options)
        {
            JobLimit = options.Jobs is int j && j > 0 ? new JobCountLimit(j) : null,
            // (lmake -l runs every job here: no host to show, no column)
            HostLen = options.Local ? null : _graph.Makefiles?.Config.ConsoleHostLen,
            LiveOutTargets = options.LiveOut ? targets.Select(_graph.Node).ToList() : null,
        };
        var maker = new Maker(_graph, _resolver, _backend, _cache, req);
        TimeSpan loaded = clock.Elapsed;
        _graph.NewEpoch();
        NodeResult[] results;
        // a terminal shows a progress line and title (the client draws them); a pipe gets the status lines alone
        ProgressReporter? progress = request.StdoutIsTerminal ? new ProgressReporter(req, _graph.Progress, output) : null;
        try
        {
            Task<NodeResult[]> all = Task.WhenAll(targets.Select(t => maker.MakeNode(_graph.Node(t))));
            results = all.IsCompleted ? await all : await UnlessStuck(req, all, targets);
        }
        catch (OperationCanceledException) when (cancelled.IsCancellationRequested)
        {
            return ExitCode.Interrupted;   // the client is gone (^C): nobody reads a summary
        }
        finally
        {
            progress?.Dispose();
            req.Finished = true;
            _graph.StopPrefetch();
            _graph.Codecs.FlushUpdates(req);   // the codec tables jobs added to are written canonical (`update`)
        }
        TimeSpan made = clock.Elapsed;
        if (targets.Count == 0) return ExitCode.Ok;   // lmake alone: the Lmakefile was read, nothing to sum up
        // no msync here: the mapped pages outlive a killed server (the page cache has them); a flush only
        // guards against a machine crash and costs milliseconds, it is done when the server exits
        Summary.Print(req, targets.Zip(results).ToList());
        ReleaseMemos(req);
        // one line in LMAKE/server.log per request: where its time went and what the GC holds (for profiling, not for users)
        GCMemoryInfo gc = GC.GetGCMemoryInfo();
        Console.Error.WriteLine($"engine: transcript {transcript.TotalMilliseconds:0.0}ms, makefiles {(loaded - transcript).TotalMilliseconds:0.0}ms, " +
            $"make {(made - loaded).TotalMilliseconds:0.0}ms ({req.NodesMade} nodes, {req.JobsMade} jobs, {_graph.StatsTakenAhead - aheadBefore} lstats made ahead), summary {(clock.Elapsed - made).TotalMilliseconds:0.0}ms, " +
            $"allocated {(GC.GetTotalAllocatedBytes() - allocatedBefore) >> 10}KiB, collections so far {GC.CollectionCount(0)}/{GC.CollectionCount(1)}/{GC.CollectionCount(2)} (gen 0/1/2) pausing {GC.GetTotalPauseDuration().TotalMilliseconds:0}ms, " +
            $"after the last one heap {gc.HeapSizeBytes >> 10}KiB (fragments {gc.FragmentedBytes >> 10}KiB) in {gc.TotalCommittedBytes >> 10}KiB committed");
        HeapTrim.AfterRequest(GC.GetTotalAllocatedBytes() - allocatedBefore, gc.HeapSizeBytes);
        if (req.FailedOnFullDisk > 0)
        {
            output.Err($"lmake: no space left on the device of {RepoRoot}: {req.FailedOnFullDisk} job(s) failed while it was full ({WriteRefused.NoSpaceAdvice})");
            return ExitCode.SyscallFailed;
        }
        return results.All(r => r.State == MakeState.Ok) ? ExitCode.Ok : ExitCode.BuildFailed;
    }

    /// <summary>A finished request's results kept in the nodes and jobs (MemoSlot) are let go: until the next request
    /// overwrote them, they held every task of the request, and with a job's task what its run returned (its deps
    /// discovered, its stderr): a tenth of the server's memory after a full build. So are the plans it made.</summary>
    private void ReleaseMemos(MakeRequest req)
    {
        foreach (Node n in _graph.Nodes)
            if (n.MemoRequest == req) { n.MemoRequest = null; n.MemoTask = null; }
        foreach (Job j in _graph.Jobs)
        {
            if (j.MemoRequest == req) { j.MemoRequest = null; j.MemoTask = null; }
            // a plan made for this request (shown, looked at) is made again when next needed (JobShape)
            if (j.Running == null) j.LetGoOfPlan();
        }
    }

    // requests waiting for their targets, each with what ends its wait when the engine finds it stuck
    private readonly List<(MakeRequest Request, TaskCompletionSource Stuck)> _waiting = [];

    /// <summary>The targets' results; or, when the engine has nothing left to do, no job runs and they are still not
    /// made, a cycle of deps (files that wait for one another, through static deps, deps read last time or an uphill
    /// dir): said, and the targets still waiting are in error.</summary>
    private async Task<NodeResult[]> UnlessStuck(MakeRequest req, Task<NodeResult[]> all, List<string> targets)
    {
        if (SynchronizationContext.Current is EngineLoop loop) loop.Idle ??= StuckRequests;
        var stuck = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _waiting.Add((req, stuck));
        try { await Task.WhenAny(all, stuck.Task); }
        finally { _waiting.Remove((req, stuck)); }
        if (all.IsCompleted) return await all;
        foreach (Action record in req.RunsWaitingForDeps.ToList()) record();
        var waiting = req.StillMaking().OfType<Node>().Select(n => n.Name).ToList();
        req.Output.Err("dependency cycle : these files wait for one another and nothing runs");
        foreach (string name in waiting) req.Output.Err($"  {name}");
        req.Output.Err("consider : lforget -d on the job whose hidden deps of last time close the cycle");
        var results = new NodeResult[targets.Count];
        for (int i = 0; i < targets.Count; i++)
        {
            Task<NodeResult>? made = req.TryGetMade(_graph.Node(targets[i]), out Task<NodeResult>? t) ? t : null;
            results[i] = made is { IsCompletedSuccessfully: true } ? made.Result
                : new NodeResult(MakeState.Error, true, ErrorChain.Leaf("cycle", targets[i], "in a dependency cycle"));
        }
        return results;
    }

    /// <summary>The engine thread is idle: with no run under way, every request still waiting waits on itself.</summary>
    private void StuckRequests()
    {
        if (_waiting.Count == 0 || _graph.RunningJobs > 0) return;
        foreach (var (_, stuck) in _waiting) stuck.TrySetResult();
    }

    public void Flush() => _graph.Flush();

    /// <summary>At the end of a request, between two writes: the store's page sums brought up to date (PageSums).</summary>
    public void Checkpoint() => _graph.Store.Checkpoint();

    /// <summary>At server exit, once nothing runs: the store closed and sealed (StoreSeal).</summary>
    public void Seal() => _graph.Store.Seal();

    private string SavedMakefiles => _lmakeDir.SavedMakefiles;

    /// <summary>What an earlier server read of the Lmakefile (LMAKE/makefiles.json), if readable.</summary>
    private Makefiles? ReadSavedMakefiles()
    {
        if (!File.Exists(SavedMakefiles)) return null;
        try
        {
            Makefiles saved = Makefiles.FromJson(File.ReadAllBytes(SavedMakefiles));
            saved.LetGoOfDepDocuments();   // (saved already)
            return saved;
        }
        catch (Exception e) when (e is LmakefileException or System.Text.Json.JsonException or IOException or UnauthorizedAccessException) { return null; }
    }

    /// <summary>At server start, before any request comes: takes the rules an earlier server saved when they
    /// are still valid, so that the first request does not wait for them. Whatever else (nothing saved, a
    /// changed Lmakefile) is left to the request, which tells its user what it does.</summary>
    internal void Preload()
    {
        // the lstats of the first request, made ahead meanwhile on the other core (the store is its alone until it read
        // its names: the saved rules are read from their file, and the graph's nodes wait)
        _graph.StartPrefetch();
        Makefiles? saved;
        try { saved = _graph.Makefiles == null ? ReadSavedMakefiles() : null; }
        finally { _graph.AwaitPrefetchNames(); }
        if (saved != null && !saved.IsStale(RepoRoot)) _graph.SetMakefiles(saved, new RuleEvaluator(saved, _layout, RepoRoot));
    }

    /// <summary>Reads Lmakefile.py when never read or when a file or variable it read changed.</summary>
    internal void LoadMakefiles(IClientOutput output) => LoadMakefiles(output, null);

    /// <param name="userEnviron">the environment of the lmake command (lmake.user_environ), null when not known</param>
    internal void LoadMakefiles(IClientOutput output, IReadOnlyDictionary<string, string>? userEnviron)
    {
        string saved = SavedMakefiles;
        // what an earlier server read: no python run at all when nothing changed
        Makefiles? current = _graph.Makefiles ?? ReadSavedMakefiles();
        if (current != null && !current.IsStale(RepoRoot, userEnviron))
        {
            if (_graph.Makefiles == null) _graph.SetMakefiles(current, new RuleEvaluator(current, _layout, RepoRoot));
            return;
        }
        output.Err(current == null ? "read Lmakefile.py" : "read Lmakefile.py because it (or what it read) changed");
        Makefiles makefiles = Makefiles.Read(RepoRoot, _layout, userEnviron);
        foreach (string note in makefiles.Notes) output.Err(note);   // what the reader had to say (a key without effect, a cache not there)
        // the rules and the config may change while other lmake commands run, the sources may not: what those
        // commands made was decided on the old ones (config.md: the repo must be steady for that)
        if (_activeRequests > 0 && _graph.Makefiles is { } live
            && (!live.Sources.SequenceEqual(makefiles.Sources) || !live.SourceDirs.SequenceEqual(makefiles.SourceDirs)))
            throw new LmakefileException("the sources changed while another lmake is running: wait for it to end, then run again",
                ExitCode.BadState);
        makefiles.WriteSummaries(_lmakeDir.ConfigSummary, _lmakeDir.RulesSummary, _lmakeDir.Manifest);
        string tmp = saved + ".tmp";
        using (FileStream f = File.Create(tmp)) makefiles.WriteJson(f);
        File.Move(tmp, saved, overwrite: true);
        makefiles.LetGoOfDepDocuments();
        _graph.SetMakefiles(makefiles, new RuleEvaluator(makefiles, _layout, RepoRoot));
        _graph.ForgetFormerSources(current?.Sources);
    }
}
