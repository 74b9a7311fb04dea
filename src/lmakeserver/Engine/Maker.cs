// The make algorithm for one request: down from the asked targets (node -> job -> deps), each node and job made
// once per request (the memo is in MakeRequest). This type is the request's entry and its memo; the decisions are
// each in their own type: what a node is (NodeMaking), whether a job must run (UpToDate), running it until it is
// stable (JobRunLoop), intermediates deleted by hand (Intermediates).
using Lmake.Server.Backends;
using Lmake.Server.Cache;
using Lmake.Server.State;

namespace Lmake.Server.Engine;

public sealed class Maker
{
    private readonly Graph _graph;
    private readonly Resolver _resolver;
    private readonly MakeRequest _req;
    private readonly NodeMaking _nodes;
    private readonly UpToDate _upToDate;
    private readonly JobRunLoop _runs;
    private readonly DynamicAttributeDeps _dynamicDeps;

    public Maker(Graph graph, Resolver resolver, IBackend backend, IJobCache cache, MakeRequest request)
    {
        _graph = graph;
        _resolver = resolver;
        _req = request;
        Intermediates = new Intermediates(this, graph, resolver, request);
        _upToDate = new UpToDate(this, graph, request);
        _nodes = new NodeMaking(this, graph, resolver, request);
        _runs = new JobRunLoop(this, graph, backend, cache, request);
        _dynamicDeps = new DynamicAttributeDeps(this, graph, request);
    }

    /// <summary>The request this maker serves.</summary>
    public MakeRequest Request => _req;

    internal Intermediates Intermediates { get; }
    internal UpToDate UpToDate => _upToDate;

    public Task<NodeResult> MakeNode(Node node, int depth = 0)
    {
        if (!_req.TryGetMade(node, out Task<NodeResult>? task))
        {
            // met again while its making is still on the stack: a cycle, that never ends (the engine finds the
            // request stuck once nothing runs, and says so)
            if (node.MakingNowFor == _req) return _req.NeverMade;
            MakeRequest? outer = node.MakingNowFor;
            node.MakingNowFor = _req;
            try { task = _nodes.Make(node, depth); }
            finally { node.MakingNowFor = outer; }
            _req.SetMade(node, task);
        }
        return task;
    }

    public Task<NodeResult> MakeJob(Job job, int depth)
    {
        if (!_req.TryGetMade(job, out Task<NodeResult>? task))
        {
            // made under its own pressure: its deps, now or after an await, see it as their requester's. A job of no
            // known time (all of a first build) adds none, and the context is left as it is; else the requester's
            // context is put back as it was rather than made anew with the former value (a full build makes every job at
            // once, and each context, ~100 bytes, is held by a suspended making)
            double estimate = JobPressure.EstimateOf(job, _graph.Progress);
            // (the engine never suppresses the flow of contexts: Capture gives one whenever it is called)
            ExecutionContext? outer = null;
            if (estimate > 0) { outer = ExecutionContext.Capture(); JobPressure.Current += estimate; }
            try
            {
                // the synchronous path: a job up to date whose deps are all decided at once (the whole of a no-op
                // build) costs no async machinery; anything else (a dep to wait for, an error to word, a reason to
                // run) goes on in DoMakeJob with the same verdict
                ValueTask<JobVerdict> verdict = _upToDate.Check(job, depth, stateOnly: false);
                task = verdict.IsCompletedSuccessfully && verdict.Result.IsUpToDate && job.Status == JobStatus.Ok
                    ? NodeResults.Ok(verdict.Result.Worked)
                    : DoMakeJob(job, depth, verdict);
            }
            finally
            {
                if (outer != null) ExecutionContext.Restore(outer);
            }
            _req.SetMade(job, task);
        }
        return task;
    }

    /// <summary>A dep of a job deciding whether it must run: only its state is needed (see Intermediates).</summary>
    internal Task<NodeResult> MakeDep(Node node, int depth) => Intermediates.MakeDep(node, depth);

    // A job that must run waits its turn at the gate (RunAdmission): in a full build, every job at once. What waits
    // there is the suspended making of each, so what comes before the gate (BeforeRuns) and its runs (Runs) are
    // methods of their own: the making that waits holds only what its runs need (a full build of 10,000 files held
    // 10,000 of them at its start, 256 bytes each when they were one method).
    private Task<NodeResult> DoMakeJob(Job job, int depth, ValueTask<JobVerdict> pending)
    {
        ValueTask<BeforeRun> before = BeforeRuns(job, depth, pending);
        return before.IsCompletedSuccessfully ? AfterBeforeRuns(job, depth, before.Result) : AwaitBeforeRuns(job, depth, before);
    }

    /// <summary>What is decided before a job's runs: its result when it does not run (<c>Made</c>), else why it runs.</summary>
    private readonly record struct BeforeRun(NodeResult? Made, RunReason? Reason, bool EarlyRerunOwed)
    {
        public static BeforeRun NoRun(NodeResult made) => new(made, null, false);
    }

    private Task<NodeResult> AfterBeforeRuns(Job job, int depth, BeforeRun before) =>
        before.Made is { } made ? NodeResults.Completed(made) : Runs(job, before.Reason!, depth, before.EarlyRerunOwed);

    private async Task<NodeResult> AwaitBeforeRuns(Job job, int depth, ValueTask<BeforeRun> before)
    {
        BeforeRun decided = await before;
        if (decided.Made != null) TargetsSeenAgain(job);   // (Runs looks at them as it ends)
        return await AfterBeforeRuns(job, depth, decided);
    }

    /// <summary>A job's making that did not end at once ends by looking at its targets again: the making of a target
    /// that waited for it is the job's own (NodeMaking.QuickNode), and a target is seen as it is once its job is made:
    /// those it wrote, and the one it was made for (the file that matched its rule: written or not). A target a run
    /// wrote was looked at as the run was recorded, and this is then no new lstat.</summary>
    private void TargetsSeenAgain(Job job)
    {
        foreach (Node t in job.Targets) _graph.Refresh(t);
        if (job.Match.Name is string name && _graph.TryGetNode(name, out Node matched)) _graph.Refresh(matched);
    }

    private async ValueTask<BeforeRun> BeforeRuns(Job job, int depth, ValueTask<JobVerdict> pending)
    {
        JobVerdict verdict = await pending;
        // a static dep in error means the job is not run (no status line)
        if (verdict.Blocked is ErrorChain blocked)
        {
            // ... but the job at the end of an infinite chain of rules fails, saying why: the chain is not in the rules
            // the user meant
            foreach (ErrorChain cause in blocked.Causes)
                if (cause.Rule == "infinite")
                {
                    _req.Status("failed", job.Rule.Name, null, job.Name);
                    _req.Note($"{cause.Reason} : {cause.Name}");
                    _req.Failed++;
                    break;
                }
            // ... and a static dep dangling means its rule does not apply (rule_selection.md; it is only there to say
            // why): what the job left is no file a job makes any more, removed (or quarantined if edited since)
            if (HasDanglingStaticDep(job, blocked))
                foreach (Node t in job.Targets)
                    if (t.WrittenBy == job.Id && StaleOutputs.Remove(_graph, t) is string done) _req.Status(done, job.Rule.Name, null, t.Name);
            return BeforeRun.NoRun(new NodeResult(MakeState.Error, verdict.Worked, blocked));
        }
        if (verdict.Reason is not RunReason reason)
        {
            // up to date; its status may have changed while its deps were made (a run of another request)
            return BeforeRun.NoRun(job.Status == JobStatus.Ok ? new NodeResult(MakeState.Ok, verdict.Worked, null)
                : new NodeResult(MakeState.Error, verdict.Worked, new ErrorChain(job.Rule.Name, job.Name, "failed", [])));
        }
        if (_graph.Marks.IsFrozenJob(job.Key))
        {
            // lmark -f -J: the job is not run, what it left stands (as sources would)
            _req.Status("frozen", job.Rule.Name, null, job.Name);
            _req.MarksInUse.Add($"frozen job : {job.Rule.Name} {job.Name}");
            return BeforeRun.NoRun(new NodeResult(MakeState.Ok, verdict.Worked, null));
        }
        // what its dynamic attributes read is made first: they are computed again if it was stale
        bool earlyRerunOwed = await _dynamicDeps.Settle(job, depth, deferEarlyRerun: _runs.LooksInCache(job));
        if (await Intermediates.MaterializeDeps(job, depth) is ErrorChain missing)
            return BeforeRun.NoRun(new NodeResult(MakeState.Error, true, new ErrorChain(job.Rule.Name, job.Name, null, [missing])));
        await StaticDepsRewritten(job);
        return new BeforeRun(null, reason, earlyRerunOwed);
    }

    private async Task<NodeResult> Runs(Job job, RunReason reason, int depth, bool earlyRerunOwed)
    {
        // (its turn at the gate to the backends is waited for here, before the run loop is under way: JobRunLoop.TurnAtGate)
        GateTurn turn = _runs.TurnAtGate(job) is { } waiting ? new GateTurn(true, await waiting) : default;
        NodeResult ran = await _runs.RunUntilStable(job, reason, depth, earlyRerunOwed, turn);
        TargetsSeenAgain(job);
        // its plan is made again when needed (a rerun, lshow): a server does not keep one per job it ran
        if (job.Running == null) job.LetGoOfPlan();
        _req.RunsEnded();
        if (HeapTrim.DueDuringBuild())
        {
            _req.Settle();   // the makings that ended are let go first: the collection then takes them
            HeapTrim.DuringBuild();
        }
        return ran;
    }

    // (a method of its own: a lambda capturing the job in DoMakeJob made its closure for every job made: issue 18)
    private bool HasDanglingStaticDep(Job job, ErrorChain blocked) =>
        blocked.Causes.Any(c => c.Rule == "dangling" && StaticNodes(job).Any(d => d.Name == c.Name));

    /// <summary>A static dep found up to date may since be rewritten by a run of its job (started for another dep
    /// of this request, e.g. a sibling target deleted by hand): the job waits for that run to end before reading it.</summary>
    private async Task StaticDepsRewritten(Job job)
    {
        foreach (Node dep in StaticNodes(job))
        {
            if (dep.Kind != NodeKind.Generated || dep.Producer?.Running is not RunningJob run || run.IsOver) continue;
            try { await run.Completion; }
            catch (OperationCanceledException) { }   // a run stopped by another client: the dep is as it is
        }
    }

    /// <summary>A source for the rules: listed, under a source dir, or matched by a SourceRule first (a job may
    /// write it only with source_ok, and what it writes there is the source's new content).</summary>
    public bool IsSource(string name)
    {
        if (_graph.IsSource(name)) return true;
        if (!_graph.Makefiles!.HasSourceRules) return false;
        Node node = _graph.Node(name);
        _resolver.Resolve(node);
        return node.Kind == NodeKind.Source;
    }

    /// <summary>Nothing in this request can change the node any more: made already, or nothing makes it.</summary>
    public bool IsSettled(Node node) => !NotYetMade(node);

    /// <summary>A dep that making may still change: buildable and not made yet in this request.</summary>
    internal bool NotYetMade(Node node)
    {
        _resolver.Resolve(node);
        if (node.Kind != NodeKind.Generated) return false;
        return !_req.TryGetMade(node, out Task<NodeResult>? made) || !made.IsCompleted;
    }

    /// <summary>The nodes of the job's static deps, looked up once per match (a rule planned natively: no plan is
    /// made for them, JobShape) or per plan (the python helper's deps).</summary>
    internal Node[] StaticNodes(Job job)
    {
        bool native = job.Rule.PlansNatively;
        object of = native ? job.Match : job.Plan;
        if (job.StaticNodesOf != of)
        {
            string[] names = Rules.JobShape.StaticDepNames(job.Match, native ? null : job.Plan);
            var nodes = names.Length == 0 ? [] : new Node[names.Length];
            for (int i = 0; i < nodes.Length; i++) nodes[i] = _graph.Node(names[i]);
            job.StaticNodes = nodes;
            job.StaticNodesOf = of;
        }
        return job.StaticNodes;
    }
}
