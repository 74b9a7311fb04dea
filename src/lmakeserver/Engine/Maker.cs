// The make algorithm for one request: down from the asked targets (node -> job -> deps), each node and
// job made once per request, jobs rerun only when a dep's content changed (A4), errors chained (A5).
using Lmake.Common.Checksums;
using Lmake.Common.Commands;
using Lmake.Server.State;

namespace Lmake.Server.Engine;

public sealed partial class Maker
{
    private readonly Graph _graph;
    private readonly Resolver _resolver;
    private readonly LocalBackend _backend;
    private readonly MakeRequest _req;

    public Maker(Graph graph, Resolver resolver, LocalBackend backend, MakeRequest request)
    {
        _graph = graph;
        _resolver = resolver;
        _backend = backend;
        _req = request;
    }

    private LmakeOptions Options => _req.Options;

    /// <summary>The request this maker serves (the backend reads its -j and -o).</summary>
    public MakeRequest Request => _req;

    private static readonly Task<NodeResult> OkIdle = Task.FromResult(new NodeResult(MakeState.Ok, false, null));
    private static readonly Task<NodeResult> OkWorked = Task.FromResult(new NodeResult(MakeState.Ok, true, null));
    private static readonly Task<NodeResult> MissingIdle = Task.FromResult(new NodeResult(MakeState.Missing, false, null));

    public Task<NodeResult> MakeNode(Node node, int depth = 0)
    {
        if (!_req.TryGetMade(node, out Task<NodeResult>? task))
        {
            if (_graph.Marks.IsFrozen(node.Name)) task = Task.FromResult(MakeFrozen(node)); else
            task = QuickNode(node, depth) ?? DoMakeNode(node, depth);
            _req.SetMade(node, task);
        }
        return task;
    }

    /// <summary>The synchronous path: a node whose state is known without waiting for any job (a source,
    /// a file nothing makes, a target of an up-to-date job) is decided here, with no async machinery:
    /// it is the whole of a no-op build. null: not decidable at once, the async path takes over.</summary>
    private Task<NodeResult>? QuickNode(Node node, int depth)
    {
        var config = _graph.Makefiles!.Config;
        if (node.Name.Length > config.PathMax || depth > config.MaxDepDepth) return null;
        _resolver.Resolve(node, depth);
        if (node.Multi != null) return null;
        switch (node.Kind)
        {
            case NodeKind.Source:
                return Completed(MakeSource(node));
            case NodeKind.Generated when node.Candidates == null:
            {
                Task<NodeResult> job = MakeJob(node.Producer!, depth + 1);
                if (!job.IsCompletedSuccessfully || job.Result.State != MakeState.Ok) return null;
                _graph.Refresh(node);
                return job.Result.Worked ? OkWorked : OkIdle;
            }
            case NodeKind.Generated:
            {
                bool worked = false;
                foreach (Job candidate in node.Candidates)
                {
                    Task<NodeResult> job = MakeJob(candidate, depth + 1);
                    if (!job.IsCompletedSuccessfully || job.Result.State != MakeState.Ok) return null;
                    worked |= job.Result.Worked;
                    if (candidate.Wrote(node))
                    {
                        _graph.Refresh(node);
                        return worked ? OkWorked : OkIdle;
                    }
                }
                return null;   // none made it: the async path says why
            }
            default:
                return Completed(MakeUnbuildable(node));
        }
    }

    /// <summary>The nodes of the job's static deps, looked up once per plan.</summary>
    private Node[] StaticNodes(Job job)
    {
        if (job.StaticNodesOf != job.Plan)
        {
            IReadOnlyList<Rules.StaticDep> deps = job.Plan.StaticDeps;
            var nodes = deps.Count == 0 ? [] : new Node[deps.Count];
            for (int i = 0; i < nodes.Length; i++) nodes[i] = _graph.Node(deps[i].Name);
            job.StaticNodes = nodes;
            job.StaticNodesOf = job.Plan;
        }
        return job.StaticNodes;
    }

    private static Task<NodeResult> Completed(NodeResult r) =>
        r.Why != null ? Task.FromResult(r)
        : r.State == MakeState.Ok ? (r.Worked ? OkWorked : OkIdle)
        : r.State == MakeState.Missing && !r.Worked ? MissingIdle
        : Task.FromResult(r);

    private async Task<NodeResult> DoMakeNode(Node node, int depth)
    {
        var config = _graph.Makefiles!.Config;
        if (node.Name.Length > config.PathMax || depth > config.MaxDepDepth)
            return new NodeResult(MakeState.Error, false, ErrorChain.Leaf("infinite", node.Name,
                node.Name.Length > config.PathMax ? $"name longer than path_max ({config.PathMax})" : $"dep depth above max_dep_depth ({config.MaxDepDepth})"));
        _resolver.Resolve(node, depth);
        if (node.Multi != null)
        {
            _req.Status("multi", "src", null, node.Name);
            _req.Note($"made by several rules of the same prio : {node.Multi}");
            return new NodeResult(MakeState.Error, false, ErrorChain.Leaf("multi", node.Name, $"made by {node.Multi}"));
        }
        switch (node.Kind)
        {
            case NodeKind.Source:
                return MakeSource(node);
            case NodeKind.Generated when node.Candidates != null:
                return await MakeCandidates(node, node.Candidates, depth);
            case NodeKind.Generated:
            {
                Job job = node.Producer!;
                NodeResult jr = await MakeJob(job, depth + 1);
                _graph.Refresh(node);
                if (jr.State == MakeState.Error) return jr with { Why = jr.Why };
                return new NodeResult(MakeState.Ok, jr.Worked, null);
            }
            default:
                return MakeUnbuildable(node);
        }
    }

    /// <summary>Jobs that may make the node (star or optional targets), tried in order (A3): the first that
    /// wrote it makes it; one that ran and did not passes to the next; when none did, nothing makes it.</summary>
    private async Task<NodeResult> MakeCandidates(Node node, Job[] candidates, int depth)
    {
        bool worked = false;
        var passed = new List<string>();
        foreach (Job job in candidates)
        {
            NodeResult jr = await MakeJob(job, depth + 1);
            worked |= jr.Worked;
            if (jr.State == MakeState.Error) { _graph.Refresh(node); return jr; }
            if (job.Wrote(node)) { _graph.Refresh(node); return new NodeResult(MakeState.Ok, worked, null); }
            passed.Add($"rule {job.Rule.Name} does not produce it");
        }
        NodeResult none = MakeUnbuildable(node);
        return none.State == MakeState.Missing
            ? new NodeResult(MakeState.Missing, worked, ErrorChain.Leaf("", node.Name, string.Join('\n', passed)))
            : none with { Worked = worked };
    }

    /// <summary>A file nothing makes: fine when absent (a dep on it means "must not exist"), dangling when there.</summary>
    private NodeResult MakeUnbuildable(Node node)
    {
        FileChecksum sum = _graph.Refresh(node);
        if (!sum.IsFile) return MissingIdle.Result;
        if (node.WrittenBy != 0 && WriterIsGone(node, out string writerRule))
        {
            // left by a job the rules no longer have (A4): removed, or quarantined if edited by hand since
            string? done = StaleOutputs.Remove(_graph, node);
            if (done != null) _req.Status(done, writerRule, null, node.Name);
            return MissingIdle.Result;
        }
        return new NodeResult(MakeState.Dangling, false, ErrorChain.Leaf("dangling", node.Name, $"consider : git add {node.Name}"));
    }

    /// <summary>The job that wrote the file is not one the current rules can have (its rule was removed, or its
    /// targets or stems changed). A job that still exists keeps what it wrote, side targets and ltarget's included.</summary>
    private bool WriterIsGone(Node node, out string writerRule)
    {
        writerRule = "src";
        if (node.WrittenBy > _graph.Store.JobCount) return false;
        string key = _graph.Store.JobKey(node.WrittenBy);
        if (!key.Contains('/')) return false;
        (writerRule, string jobName) = Job.SplitKey(key);
        string ruleName = writerRule;
        Rules.Rule? rule = _graph.Makefiles!.Rules.FirstOrDefault(r => r.Name == ruleName);
        return rule == null || rule.IsSpecial || !rule.CanHaveJob(jobName);
    }

    /// <summary>lmark -f: the file acts as a source, whatever rule could make it.</summary>
    private NodeResult MakeFrozen(Node node)
    {
        FileChecksum now = _graph.Refresh(node);
        _req.Status("frozen", "src", null, node.Name);
        _req.MarksInUse.Add($"frozen : {node.Name}");
        return new NodeResult(now.IsFile ? MakeState.Ok : MakeState.Missing, false, null);
    }

    /// <summary>lmark -t: a change of this dep does not rerun the job (the summary says it was ignored).</summary>
    private bool Triggers(Node dep)
    {
        if (!_graph.Marks.IsNoTrigger(dep.Name)) return true;
        _req.MarksInUse.Add($"no-trigger : {dep.Name}");
        return false;
    }

    private NodeResult MakeSource(Node node)
    {
        bool known = node.Known;
        FileChecksum before = node.Checksum;
        FileChecksum now = _graph.Refresh(node);
        bool listed = _graph.Sources.Contains(node.Name);
        if (!now.IsFile)
        {
            if (listed && (!known || before.IsFile)) _req.Status("missing", "src", null, node.Name);
            return MissingIdle.Result;
        }
        if (!Path.IsPathRooted(node.Name))
        {
            if (!known) _req.Status("new", "src", null, node.Name);
            else if (before != now) _req.Status("changed", "src", null, node.Name);
        }
        return OkIdle.Result;
    }

    public Task<NodeResult> MakeJob(Job job, int depth)
    {
        if (!_req.TryGetMade(job, out Task<NodeResult>? task))
        {
            task = QuickJob(job, depth) ?? DoMakeJob(job, depth);
            _req.SetMade(job, task);
        }
        return task;
    }

    /// <summary>The synchronous path of a job that is up to date: every dep decided at once, all Ok, none
    /// changed since the job saw it. Anything else (a dep to wait for, an error to word, a reason to run)
    /// goes to the async path, which finds the same deps already made in the request's memo.</summary>
    private Task<NodeResult>? QuickJob(Job job, int depth)
    {
        bool worked = false;
        foreach (Node dep in StaticNodes(job))
        {
            Task<NodeResult> made = MakeDep(dep, depth);
            if (!made.IsCompletedSuccessfully || made.Result.State != MakeState.Ok) return null;
            worked |= made.Result.Worked;
        }
        if (ReasonToRun(job) != null) return null;
        foreach (DepRecord dep in job.Deps)
        {
            if (!dep.IsStatic)
            {
                Task<NodeResult> made = MakeDep(dep.Node, depth);
                if (!made.IsCompletedSuccessfully || made.Result.State is MakeState.Error or MakeState.Dangling) return null;
                worked |= made.Result.Worked;
            }
            if (Current(dep.Node) != dep.Seen) return null;
        }
        return worked ? OkWorked : OkIdle;
    }

    private async Task<NodeResult> DoMakeJob(Job job, int depth)
    {
        // static deps first, all at once: a static dep in error means the job is not run (no status line)
        var staticNodes = job.Plan.StaticDeps.Select(d => (dep: d, node: _graph.Node(d.Name))).ToList();
        NodeResult[] statics = await Task.WhenAll(staticNodes.Select(s => MakeDep(s.node, depth)));
        bool worked = statics.Any(r => r.Worked);
        var causes = new List<ErrorChain>();
        for (int i = 0; i < statics.Length; i++)
        {
            var (dep, node) = staticNodes[i];
            if (dep.Flags.HasFlag(Rules.DepFlags.IgnoreError)) continue;
            bool essential = dep.Flags.HasFlag(Rules.DepFlags.Essential);
            if (statics[i].State is MakeState.Error or MakeState.Dangling)
                causes.Add((statics[i].Why ?? ErrorChain.Leaf("", node.Name)) with { Essential = essential });
            else if (statics[i].State == MakeState.Missing)
                causes.Add(ErrorChain.Leaf("missing", node.Name, "static dep is missing") with { Essential = essential });
        }
        if (causes.Count > 0) return new NodeResult(MakeState.Error, worked, new ErrorChain(job.Rule.Name, job.Name, null, causes));

        string? reason = ReasonToRun(job);
        if (reason == null)
        {
            // deps it discovered last time: make them, then compare with what it saw
            var known = job.Deps.Where(d => !d.IsStatic).ToList();
            // made in batches that end at a critical dep: when it changed, the deps after it are not made
            // (the job, rerun, may not read them any more)
            for (int start = 0, end; start < known.Count && reason == null; start = end)
            {
                end = start;
                while (end < known.Count && (known[end].Flags & Rules.DepFlags.Critical) == 0) end++;
                if (end < known.Count) end++;
                var batch = known.GetRange(start, end - start);
                NodeResult[] results = await Task.WhenAll(batch.Select(d => MakeDep(d.Node, depth)));
                worked |= results.Any(r => r.Worked);
                for (int i = 0; i < batch.Count && reason == null; i++)
                {
                    if (results[i].State is MakeState.Error or MakeState.Dangling && (batch[i].Flags & Rules.DepFlags.IgnoreError) == 0)
                        reason = $"dep {batch[i].Node.Name} in error";
                    else if (Current(batch[i].Node) != batch[i].Seen && Triggers(batch[i].Node)) reason = $"dep {batch[i].Node.Name} changed";
                }
            }
            for (int i = 0; i < job.Deps.Count && reason == null; i++)
                if (job.Deps[i].IsStatic && Current(job.Deps[i].Node) != job.Deps[i].Seen && Triggers(job.Deps[i].Node)) reason = $"dep {job.Deps[i].Node.Name} changed";
        }
        if (reason == null)
        {
            if (job.Status == JobStatus.Ok) return new NodeResult(MakeState.Ok, worked, null);
            return new NodeResult(MakeState.Error, worked, new ErrorChain(job.Rule.Name, job.Name, "failed", []));
        }
        if (_graph.Marks.IsFrozenJob(job.Key))
        {
            // lmark -f -J: the job is not run, what it left stands (as sources would)
            _req.Status("frozen", job.Rule.Name, null, job.Name);
            _req.MarksInUse.Add($"frozen job : {job.Rule.Name} {job.Name}");
            return new NodeResult(MakeState.Ok, worked, null);
        }
        job.LastReason = reason;
        if (await MaterializeDeps(job, depth) is ErrorChain missing)
            return new NodeResult(MakeState.Error, true, new ErrorChain(job.Rule.Name, job.Name, null, [missing]));
        return await RunUntilStable(job, depth);
    }

    /// <summary>Why the job must run without looking at its discovered deps, or null. <paramref name="missingTargetsOk"/>:
    /// targets it made that were deleted since are no reason (MakeDep: nothing needs their content yet).</summary>
    private string? ReasonToRun(Job job, bool missingTargetsOk = false)
    {
        if (job.Status == JobStatus.Never) return "never ran";
        if (job.RanWithSignature != job.Rule.SignatureHash) return "command changed";
        if (job.Status != JobStatus.Ok) return "previous run failed";
        if (job.Rule.Kind == Rules.RuleKind.Alias) return "alias";
        foreach (Node t in job.Targets)
        {
            FileChecksum now = _graph.Refresh(t);
            if (now == t.WrittenChecksum || (missingTargetsOk && !now.IsFile && t.WrittenBy == job.Id)) continue;
            return now.IsFile ? $"target {t.Name} was modified" : $"target {t.Name} is missing";
        }
        IReadOnlyList<string> planned = job.Plan.Targets;
        for (int i = 0; i < planned.Count; i++)
            if (!HasTarget(job, planned[i], i) && !job.Plan.IsOptionalTarget(planned[i])) return $"target {planned[i]} is missing";
        return null;
    }

    /// <summary>Is <paramref name="name"/> among the targets the job last left? Looked at first where it was
    /// in the plan: targets are recorded in the plan's order, so a no-op finds each at once.</summary>
    private static bool HasTarget(Job job, string name, int hint)
    {
        List<Node> targets = job.Targets;
        if (hint < targets.Count && targets[hint].Name == name) return true;
        foreach (Node t in targets) if (t.Name == name) return true;
        return false;
    }

    private async Task<NodeResult> RunUntilStable(Job job, int depth)
    {
        int maxRuns = Options.MaxRuns ?? (job.Plan.MaxRuns > 0 ? job.Plan.MaxRuns : int.MaxValue);   // rule's 0: no limit
        // every run is a submission, retries included: max_submits bounds them all (rule's 0: no limit)
        int maxSubmits = Options.MaxSubmits ?? (job.Plan.MaxSubmits > 0 ? job.Plan.MaxSubmits : int.MaxValue);
        int retries = 0;
        for (int run = 1; ; run++)
        {
            JobRun result = await RunShared(job);
            // killed because every client that wanted it left: nothing to record, nobody to tell
            if (result.Killed && _req.Cancelled.IsCancellationRequested) throw new OperationCanceledException(_req.Cancelled);
            foreach (Node t in job.Targets) Graph.Invalidate(t);
            foreach (string t in result.Targets) Graph.Invalidate(_graph.Node(t));
            foreach (string t in job.Plan.Targets) Graph.Invalidate(_graph.Node(t));
            bool steady = job.Status == JobStatus.Ok && result.Ok && SameTargets(job, result);
            // deps discovered while running: snapshot what the job saw, make them, compare
            var discovered = result.DiscoveredDeps.Select(d => _graph.Node(d.Name)).ToList();
            var flags = result.DiscoveredDeps.Select(d => d.Flags).ToList();
            var seen = discovered.Select(_graph.DiskChecksum).ToList();
            bool mayRerun = result.MustRerun || discovered.Any(NotYetMade);
            if (mayRerun) SayStatus(job, "may_rerun", result.ExecTime);
            NodeResult[] results = await Task.WhenAll(discovered.Select(n => MakeNode(n, depth)));
            bool changed = result.MustRerun;
            var depErrors = new List<ErrorChain>();
            for (int i = 0; i < discovered.Count; i++)
            {
                if (_graph.Refresh(discovered[i]) != seen[i]) changed = true;
                if ((flags[i] & Rules.DepFlags.IgnoreError) != 0) continue;
                bool essential = (flags[i] & Rules.DepFlags.Essential) != 0;
                if (results[i].State is MakeState.Error or MakeState.Dangling)
                    depErrors.Add((results[i].Why ?? ErrorChain.Leaf("", discovered[i].Name)) with { Essential = essential });
                else if (results[i].State == MakeState.Missing && (flags[i] & Rules.DepFlags.Required) != 0)
                    depErrors.Add(ErrorChain.Leaf("missing", discovered[i].Name, "required dep is missing") with { Essential = essential });
            }
            bool submitsLeft = run + retries < maxSubmits;
            if (changed && run < maxRuns && submitsLeft)
            {
                SayStatus(job, "rerun", result.ExecTime);
                continue;
            }
            Record(job, result, discovered, flags);
            if (changed)
                return run >= maxRuns ? Fail(job, "run_loop", result, $"stopped after {maxRuns} runs (max_runs)")
                    : Fail(job, "submit_loop", result, $"stopped after {maxSubmits} submissions (max_submits)");
            if (depErrors.Count > 0)
            {
                job.Status = JobStatus.DepError;
                string status = mayRerun ? "was_dep_error" : "dep_error";
                SayStatus(job, status, result.ExecTime);
                foreach (ErrorChain e in depErrors)
                {
                    if (e.Rule == "dangling")
                    {
                        _req.Status("dangling", "src", null, e.Name);
                        _req.Note($"consider : git add {e.Name}");
                    }
                    else _req.Note($"dep in error : {e.Name}");
                }
                _req.Failed++;
                _req.FailedTime += result.ExecTime;
                return new NodeResult(MakeState.Error, true, new ErrorChain(job.Rule.Name, job.Name, "dep in error", depErrors));
            }
            if (!result.Ok && retries < Options.RetryOnError && !result.Killed && submitsLeft)
            {
                // lmake -r N: a failed job is run again, up to N times (flaky tools, lost machines)
                retries++;
                SayStatus(job, "retry", result.ExecTime);
                PrintStderr(job, result.Stderr);
                run--;   // a retry is not a rerun: it does not count towards max_runs
                continue;
            }
            if (!result.Ok) return Fail(job, mayRerun ? "was_failed" : "failed", result, result.FailReason);
            string ok = steady ? (mayRerun ? "was_steady" : "steady") : (mayRerun ? "was_done" : "done");
            SayStatus(job, ok, result.ExecTime);
            PrintStderr(job, result.Stderr);
            if (steady) { _req.Steady++; _req.SteadyTime += result.ExecTime; }
            else { _req.Done++; _req.DoneTime += result.ExecTime; }
            return new NodeResult(MakeState.Ok, true, null);
        }
    }

    /// <summary>Nothing in this request can change the node any more: made already, or nothing makes it.</summary>
    public bool IsSettled(Node node) => !NotYetMade(node);

    /// <summary>A dep that making may still change: buildable and not made yet in this request.</summary>
    private bool NotYetMade(Node node)
    {
        _resolver.Resolve(node);
        if (node.Kind != NodeKind.Generated) return false;
        return !_req.TryGetMade(node, out Task<NodeResult>? made) || !made.IsCompleted;
    }

    private NodeResult Fail(Job job, string status, JobRun result, string? reason)
    {
        job.Status = JobStatus.Failed;
        SayStatus(job, status, result.ExecTime);
        foreach (string note in result.Notes) _req.Note(note);
        PrintStderr(job, result.Stderr);
        _req.Failed++;
        _req.FailedTime += result.ExecTime;
        return new NodeResult(MakeState.Error, true, new ErrorChain(job.Rule.Name, job.Name, reason, []));
    }

    private void PrintStderr(Job job, string stderr)
    {
        if (stderr.Length == 0) return;
        string[] lines = stderr.TrimEnd('\n').Split('\n');
        int max = job.Plan.MaxStderrLen > 0 ? job.Plan.MaxStderrLen : int.MaxValue;
        foreach (string line in lines.Take(max)) _req.Detail(StatusLine.StderrLine(line));
        if (lines.Length > max) _req.Detail(StatusLine.StderrLine("..."));
    }

    /// <summary>A job needed by several requests at once runs once: later ones wait for the same run.</summary>
    private async Task<JobRun> RunShared(Job job)
    {
        if (job.Running is not Task<JobRun> run || run.IsCompleted)   // a finished run is not joined: a rerun or retry starts anew
        {
            // only the request that starts the run clears the targets: one that joins it later would delete
            // what the run has already written
            ClearTargets(job);
            job.RunCancel = new CancellationTokenSource();
            job.Waiters = 0;
            run = _backend.Run(job, this, job.RunCancel.Token);
            job.Running = run;
            _ = run.ContinueWith(_ => { if (job.Running == run) job.Running = null; }, TaskScheduler.FromCurrentSynchronizationContext());
        }
        else SayStatus(job, "started", null);   // already running for another lmake: joined, not run twice
        job.Waiters++;
        // the client's ^C arrives on a transport thread: hand it to the engine thread
        SynchronizationContext engine = SynchronizationContext.Current!;
        CancellationTokenSource? cancel = job.RunCancel;
        using (_req.Cancelled.Register(() => engine.Post(_ =>
        {
            if (job.Running == run && --job.Waiters == 0) cancel?.Cancel();
        }, null)))
        {
            return await run;
        }
    }

    /// <summary>A status line of the job; with -v, its first one in this request is followed by why it ran.</summary>
    private void SayStatus(Job job, string status, TimeSpan? execTime)
    {
        _req.Status(status, job.Rule.Name, execTime, job.Name);
        if (Options.Verbose && job.LastReason != null && (_reasonSaid ??= []).Add(job)) _req.Note($"reason : {job.LastReason}");
    }

    private HashSet<Job>? _reasonSaid;

    private bool SameTargets(Job job, JobRun result)
    {
        if (job.Targets.Count != result.Targets.Count) return false;
        foreach (string name in result.Targets)
        {
            Node t = _graph.Node(name);
            if (t.WrittenBy != job.Id) return false;
            if (_graph.Refresh(t) != t.WrittenChecksum) return false;   // what Record stores next: hashed once
        }
        return true;
    }

    private void Record(Job job, JobRun result, List<Node> discovered, List<Rules.DepFlags> flags)
    {
        _lostATarget.Remove(job);
        job.Status = result.Ok ? JobStatus.Ok : JobStatus.Failed;
        job.RanWithSignature = job.Rule.SignatureHash;
        job.ExecTime = result.ExecTime;
        job.Stderr = result.Stderr;
        job.EndDate = DateTime.Now;
        var deps = new List<DepRecord>();
        foreach (var d in job.Plan.StaticDeps)
        {
            Node n = _graph.Node(d.Name);
            deps.Add(new DepRecord(n, true, _graph.Refresh(n)));
        }
        for (int i = 0; i < discovered.Count; i++) deps.Add(new DepRecord(discovered[i], false, _graph.Refresh(discovered[i]), flags[i]));
        job.Deps = deps;
        job.Targets = result.Targets.Select(_graph.Node).ToList();
        _graph.Save(job);
        foreach (Node t in job.Targets)
        {
            t.WrittenBy = job.Id;
            t.WrittenChecksum = _graph.Refresh(t);
            _graph.Save(t);
        }
        JobInfos.Write(_graph.RepoRoot, job.Id, JobInfoOf.Build(job, job.LastRunFacts, t => t.WrittenChecksum));
    }

    /// <summary>Before a run its targets go (its own, and files of its plan that an earlier job, of a rule since
    /// changed, left), so that what the job leaves is only what it made this time; incremental ones stay (unless
    /// -I). One edited by hand since its job left it is never lost (A4): it is moved to LMAKE/quarantine/.</summary>
    private void ClearTargets(Job job)
    {
        foreach (Node t in job.Targets.Concat(job.Plan.Targets.Select(_graph.Node)).Distinct())
        {
            if (t.WrittenBy != 0)
            {
                FileChecksum now = _graph.Refresh(t);
                if (now.IsFile && now != t.WrittenChecksum)
                {
                    StaleOutputs.Quarantine(_graph, t);
                    _req.Status("quarantined", job.Rule.Name, null, t.Name);
                    _graph.Refresh(t);
                    continue;
                }
            }
            if (job.Plan.IsIncrementalTarget(t.Name) && !Options.IgnoreIncremental) continue;
            if (_graph.IsFileOnDisk(t.Name)) File.Delete(_graph.AbsolutePath(t));
        }
    }
}
