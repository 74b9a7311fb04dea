// Running a job that must run, until it is stable: its targets cleared (a hand edit quarantined), the run shared
// with every request that needs it, the deps it discovered made and compared with what it saw (a changed one reruns
// it, within max_runs and max_submits), retries of a failed run (-r), the run recorded (store, job info), and its
// status lines (done, steady, failed, dep_error, rerun, may_rerun...).
using Lmake.Common;
using Lmake.Common.Checksums;
using Lmake.Common.Commands;
using Lmake.Common.Files;
using Lmake.Server.Backends;
using Lmake.Server.Cache;
using Lmake.Server.Rules;
using Lmake.Server.State;

namespace Lmake.Server.Engine;

/// <summary>A turn at the gate to the backends: <paramref name="Waited"/> there, and then either a place is kept for
/// the run this request starts, or <paramref name="Joined"/> is the run another request started meanwhile.</summary>
internal readonly record struct GateTurn(bool Waited, RunningJob? Joined);

internal sealed class JobRunLoop(Maker maker, Graph graph, IBackend backend, IJobCache cache, MakeRequest req)
{
    // jobs whose reason to run was said under their first status line (-v)
    private HashSet<Job>? _reasonSaid;

    private LmakeOptions Options => req.Options;

    /// <summary>The job's turn at the gate to the backends (RunAdmission) before its first run, taken by DoMakeJob
    /// before RunUntilStable: a full build finds every job ready at once, and past a few they wait there, where a
    /// waiting job costs least (the run loop is not yet under way). Null: no need to wait.</summary>
    public ValueTask<RunningJob?>? TurnAtGate(Job job) =>
        graph.Admission.MustWait(job) ? graph.Admission.WaitTurn(job, req, JobPressure.Current) : null;

    /// <param name="reason">Why it must run (lmake -v, lshow -i).</param>
    /// <param name="earlyRerunOwed">Its dynamic attributes waited for files (DynamicAttributeDeps) and it looks in a
    /// cache first: a hit is then a hit_rerun, a miss says early_rerun before it runs.</param>
    /// <param name="turn">The first run's turn at the gate, waited for (<see cref="TurnAtGate"/>); default: none taken.</param>
    public async Task<NodeResult> RunUntilStable(Job job, RunReason why, int depth, bool earlyRerunOwed = false, GateTurn turn = default)
    {
        string reason = why.Text;
        int maxRuns = Options.MaxRuns ?? (job.Plan.MaxRuns > 0 ? job.Plan.MaxRuns : int.MaxValue);   // rule's 0: no limit
        // every run is a submission, retries included: max_submits bounds them all (rule's 0: no limit)
        int maxSubmits = Options.MaxSubmits ?? (job.Plan.MaxSubmits > 0 ? job.Plan.MaxSubmits : int.MaxValue);
        int retries = 0, lostRetries = 0;
        JobRun? lastRun = null;   // the run before this one in this loop (a rerun or a retry)
        for (int run = 1; ; run++)
        {
            // a later run (a rerun, a retry) waits its turn at the gate as the first one did
            if (run > 1 && TurnAtGate(job) is { } later) turn = new GateTurn(true, await later);
            RunningJob running = Enter(job, why, lastRun, depth, run == 1 && earlyRerunOwed, turn);
            turn = default;
            JobRun result;
            // the client's ^C arrives on a transport thread: it is handed to the engine thread, where this request
            // leaves every run it waits for (MakeRequest.LeaveRuns: the last one to leave stops it, and waits for it
            // to end: killed; else the run goes on for the others: continue); its client still reads what it is told,
            // then dies of its ^C
            req.WaitFor(running);
            try
            {
                while (!running.HasEnded)
                {
                    if (req.LeftRuns && !running.Stopping)
                    {
                        SayStatus(job, reason, "continue", null);
                        throw new OperationCanceledException(req.Cancelled);
                    }
                    await running.Changed();
                }
                result = await running.Completion;
            }
            finally { req.DoneWaiting(running); }
            if (req.Cancelled.IsCancellationRequested)
            {
                // a run that ended by itself meanwhile is not looked at: it may or may not be right (completed)
                SayRunStatus(job, reason, result.Killed ? "killed" : "completed", result);
                if (result.Killed) KeepKilledTargets(job, result);
                throw new OperationCanceledException(req.Cancelled);
            }
            lastRun = result;
            foreach (Node t in job.Targets) Graph.Invalidate(t);
            foreach (string t in result.Targets) Graph.Invalidate(graph.Node(t));
            foreach (string t in job.Plan.Targets) Graph.Invalidate(graph.Node(t));
            // a dir the job made was absent for lmake if it looked before (auto_mkdir on a chdir): looked at again
            foreach (string d in result.MadeDirs) Graph.Invalidate(graph.Node(d));
            bool rewroteItsDep = false;
            foreach (string w in result.WrittenSources)
            {
                // a source the job rewrote (source_ok): its new content is the one lmake knows from now on; if the job
                // read it (a formatter rewriting its dep), it read the old content: it runs again on the new one
                Node source = graph.Node(w);
                FileChecksum before = source.Known ? source.Checksum : FileChecksum.None;
                Graph.Invalidate(source);
                FileChecksum after = graph.Refresh(source);
                if (after != before && (job.Plan.StaticDeps.Any(d => d.Name == w) || result.DiscoveredDeps.Any(d => d.Name == w)))
                    rewroteItsDep = true;
            }
            // steady: every target the run left holds what a job had left there before (none left: nothing changed);
            // decided by the first request that sees the run, before anyone records it (a request that joined the
            // run must not compare with the run itself)
            bool steady = running.Steady ??= result.Ok && SameTargets(job, result);
            // deps discovered while running: snapshot what the job saw, make them, compare
            // (loops, not lambdas, here and below: a lambda capturing the run's locals made the compiler allocate
            // their closure at the top of each round, for every job waiting for its run: issue 18)
            var discovered = new List<Node>(result.DiscoveredDeps.Count);
            foreach (DiscoveredDep d in result.DiscoveredDeps) discovered.Add(graph.Node(d.Name));
            var flags = new List<DepFlags>(discovered.Count);
            foreach (DiscoveredDep d in result.DiscoveredDeps) flags.Add(d.Parallel ? d.Flags | DepFlags.ParallelWithPrevious : d.Flags);
            // (a dep it wrote afterwards was seen as lmake knew it before the run: absent when never seen)
            // what the job saw of each: before it wrote it (AlsoWritten), nothing where it found no file (SeenAbsent:
            // one made since, even before now, is a change if the job's accesses can tell), else what is there now
            var seen = new List<FileChecksum>(discovered.Count);
            for (int i = 0; i < discovered.Count; i++)
            {
                Node n = discovered[i];
                seen.Add(result.DiscoveredDeps[i] switch
                {
                    { AlsoWritten: true } => n.Known ? n.Checksum : FileChecksum.None,
                    { SeenAbsent: true } => FileChecksum.None,
                    _ => graph.DiskChecksum(n),
                });
            }
            MarkPolluted(job, result);
            // may_rerun: a dep must be waited for (a job to run); one decided at once (up to date, or blocked by
            // an error already known) is no reason to announce a rerun
            // made in batches that end with a critical dep (critical_deps.md): when one changed, the deps after it are
            // not made, the job reruns at once (it may not read them any more)
            NodeResult[] results = new NodeResult[discovered.Count];
            int made = 0;
            bool mayRerun = false, criticalChanged = false;
            Action? recordIfStuck = null;
            while (made < discovered.Count && !criticalChanged)
            {
                int end = CriticalBatches.End(result.DiscoveredDeps, made);
                Task<NodeResult>[] making = new Task<NodeResult>[end - made];
                for (int i = made; i < end; i++) making[i - made] = maker.MakeNode(discovered[i], depth);
                // (a run stopped by lcheck_deps is a sure rerun: said as rerun)
                if (!mayRerun && !result.MustRerun && (running.WaitedForDeps || making.Any(t => !t.IsCompleted)))
                {
                    mayRerun = true;
                    SayRunStatus(job, reason, "may_rerun", result);
                    // a request that never gets past its deps (a cycle of deps) records the run as it ended, with the
                    // deps that closed the cycle
                    recordIfStuck = RecordIfStuck(job, reason, result, discovered, flags, seen, running);
                    req.RunsWaitingForDeps.Add(recordIfStuck);
                }
                for (int i = made; i < end; i++)
                {
                    results[i] = await making[i - made];
                    DiscoveredDep d = result.DiscoveredDeps[i];
                    if ((d.Flags & DepFlags.Critical) != 0 && results[i].State != MakeState.Error && d.Accesses != DepAccesses.None
                        && d.Accesses.Differ(seen[i], graph.Refresh(discovered[i])))
                        criticalChanged = true;
                }
                made = end;
            }
            if (recordIfStuck != null) req.RunsWaitingForDeps.Remove(recordIfStuck);
            // in the order the job read them: a dep that changed before any dep in error reruns the job (the change may
            // lead it elsewhere, ldepend(1) note 3); a dep in error first stands, whatever changed after it
            bool changed = result.MustRerun || rewroteItsDep || criticalChanged;
            var depErrors = new List<ErrorChain>();
            // a source dated after the job started was changed while it ran: what it read may be the old content
            long startNs = result.Facts is { } facts ? new DateTimeOffset(facts.Start).ToUnixTimeMilliseconds() * 1_000_000 : long.MaxValue;
            List<string>? overwritten = null;
            for (int i = 0; i < made; i++)
            {
                string? missing = (flags[i] & Rules.DepFlags.Required) != 0 ? "required dep is missing" : null;
                FileChecksum now = graph.Refresh(discovered[i]);
                DiscoveredDep d = result.DiscoveredDeps[i];
                if (ErrorChain.OfDep(results[i], discovered[i].Name, flags[i], missing) is { } cause) depErrors.Add(cause);
                // (ignore_error lets a dep in error through, not a required one that cannot be made: separate flags)
                else if (missing != null && results[i].State == MakeState.Missing) depErrors.Add(ErrorChain.Leaf("missing", discovered[i].Name, missing));
                else if (depErrors.Count == 0 && d.Accesses != Rules.DepAccesses.None)
                {
                    // (a dep only declared, not read: made without error is all the job asked, its content is no reason)
                    if (d.Accesses.Differ(seen[i], now)) changed = true;
                    // written after the job first saw it (its job ran meanwhile): what the job read may be a part of it
                    else if (d.SeenMtimeNs != 0 && !d.AlsoWritten && discovered[i].Kind != NodeKind.Source
                             && (d.Accesses & (Rules.DepAccesses.Reg | Rules.DepAccesses.Lnk)) != 0
                             && graph.Disk.Stat(discovered[i].Name) is { Exists: true, Kind: not StatKind.Directory } stat
                             && stat.MtimeNs != d.SeenMtimeNs && SeenWhileItsJobRan(discovered[i], d.SeenMtimeNs)) changed = true;
                    else if (discovered[i].Kind == NodeKind.Source && !result.WrittenSources.Contains(discovered[i].Name)
                             && graph.Disk.Stat(discovered[i].Name).MtimeNs > startNs)
                    {
                        changed = true;
                        (overwritten ??= []).Add(discovered[i].Name);
                    }
                }
            }
            bool submitsLeft = run + retries < maxSubmits;
            // a star target of the job that was there before it looked (no job of lmake made it): moved away
            // (never lost, A4) and the job runs again without it
            bool cleared = false;
            foreach (string name in result.PreexistingStarTargets)
            {
                Node n = graph.Node(name);
                if (n.WrittenBy != 0 || !graph.IsFileOnDisk(name)) continue;
                StaleOutputs.Quarantine(graph, n);
                graph.Refresh(n);
                cleared = true;
            }
            if (cleared && run < maxRuns && submitsLeft)
            {
                // what this run wrote goes too: the next run starts as the first one should have
                foreach (string t in result.Targets)
                    if (graph.IsFileOnDisk(t)) { graph.Disk.Unlink(t); Graph.Invalidate(graph.Node(t)); }
                SayRunStatus(job, reason, "rerun", result);
                continue;
            }
            if (changed && run < maxRuns && submitsLeft)
            {
                // after may_rerun the rerun goes unsaid (may_rerun announced it); rerun is for a dep already made
                // when the job started that changed while it ran, or a run that asked for it
                if (!mayRerun) SayRunStatus(job, reason, "rerun", result);
                else if (!result.Ok && depErrors.Any(e => e.Rule is not ("missing" or "dangling")))
                {
                    // the run failed and read deps whose jobs failed: it is rerun only in the hope that the dep that
                    // changed before them leads it elsewhere (ldepend(1) note 3); what it was stands until then (a
                    // dep nothing makes is no failure of its own: that is not said)
                    SayRunStatus(job, reason, "was_failed", result);
                    PrintStderr(job, result.Stderr);
                }
                await RemakePollutedDeps(job, result, depth);
                continue;
            }
            if (!running.Recorded) Record(job, reason, result, discovered, flags, seen, running);
            running.Recorded = true;   // by the first request to get here: the others share that record
            if (changed && overwritten != null)
            {
                // no run left to read it again: the job's result rests on a dep that moved under it
                job.Status = JobStatus.DepError;
                SayRunStatus(job, reason, mayRerun ? "was_dep_error" : "dep_error", result);
                foreach (string name in overwritten) req.Note($"dep modified during execution : {name}");
                req.Failed++;
                req.FailedTime += result.ExecTime;
                return new NodeResult(MakeState.Error, true, new ErrorChain(job.Rule.Name, job.Name, "dep modified during execution",
                    overwritten.Select(n => ErrorChain.Leaf("", n, "modified during execution")).ToList()));
            }
            if (changed)
                return run >= maxRuns ? Fail(job, reason, "run_loop", result, $"stopped after {maxRuns} runs (max_runs)")
                    : Fail(job, reason, "submit_loop", result, $"stopped after {maxSubmits} submissions (max_submits)");
            // a run that failed by itself and read nothing in error but dangling files keeps its own status (the
            // dangling lines say why it may have failed)
            if (depErrors.Count > 0 && !result.Ok && depErrors.All(e => e.Rule == "dangling"))
            {
                foreach (ErrorChain e in depErrors) req.Dangling(e.Name);
                return Fail(job, reason, mayRerun ? "was_failed" : "failed", result, result.FailReason);
            }
            if (depErrors.Count > 0)
            {
                job.Status = JobStatus.DepError;
                string status = mayRerun ? "was_dep_error" : "dep_error";
                SayRunStatus(job, reason, status, result);
                foreach (ErrorChain e in depErrors)
                {
                    if (e.Rule == "dangling") req.Dangling(e.Name);
                    else req.Note($"dep in error : {e.Name}");
                }
                req.Failed++;
                req.FailedTime += result.ExecTime;
                return new NodeResult(MakeState.Error, true, new ErrorChain(job.Rule.Name, job.Name, "dep in error", depErrors));
            }
            if (IsLost(result) && lostRetries < job.Plan.MaxRetriesOnLost && submitsLeft)
            {
                // killed from outside: said lost, and run again (max_retries_on_lost times) as if it had not run
                lostRetries++;
                SayStatus(job, reason, "lost", result.ExecTime);
                SayStatus(job, reason, "retry", null);
                run--;
                continue;
            }
            if (!result.Ok && retries < Options.RetryOnError && !result.Killed && submitsLeft
                && (job.Plan.RetriedErrors & RetriedErrors.KindOf(result)) != 0)
            {
                // lmake -r N: a failed job is run again, up to N times (flaky tools, lost machines), for the error
                // kinds its rule retries: the failed run is said (unless may_rerun said it), then the retry
                retries++;
                if (!mayRerun)
                {
                    SayRunStatus(job, reason, "failed", result);
                    foreach (string note in result.Notes) req.Note(note);
                    PrintStderr(job, result.Stderr);
                }
                SayStatus(job, reason, "retry", null);
                run--;   // a retry is not a rerun: it does not count towards max_runs
                continue;
            }
            if (!result.Ok) return Fail(job, reason, mayRerun ? "was_failed" : "failed", result, result.FailReason);
            string ok = steady ? (mayRerun ? "was_steady" : "steady") : (mayRerun ? "was_done" : "done");
            if (result.FromCache != CacheHit.None)
            {
                // found in a cache: said as such, after a hit_rerun when its deps had to be made first
                if (result.FromCache == CacheHit.AfterMakingDeps) SayStatus(job, reason, "hit_rerun", null);
                ok = steady ? "hit_steady" : "hit_done";
            }
            SayRunStatus(job, reason, ok, result);
            PrintStderr(job, result.Stderr);
            // lmake -c: none and download leave the cache as it is
            if (result.FromCache == CacheHit.None && Options.CacheMethod is CacheMethod.Plain or CacheMethod.Upload)
                cache.Store(running.Submission, result, SeenDeps(job), WrittenFiles(job));
            if (cache.TakeNotice() is string notice) req.Note(notice);
            if (steady) { req.Steady++; req.SteadyTime += result.ExecTime; }
            else { req.Done++; req.DoneTime += result.ExecTime; }
            return new NodeResult(MakeState.Ok, true, null);
        }
    }

    /// <summary>What records the run when its request is stuck (its closure made here, when needed, rather than in
    /// RunUntilStable, whose closures are made at the top of each round).</summary>
    private Action RecordIfStuck(Job job, string reason, JobRun result, List<Node> discovered, List<DepFlags> flags,
        List<FileChecksum> seen, RunningJob running) =>
        () => { if (!running.Recorded) Record(job, reason, result, discovered, flags, seen, running); };

    /// <summary>The dep was already being written by its job's last run when the job first saw it (its date then is not
    /// before that run started): what the job read may be a part of it. One its job rewrote only later was read whole,
    /// and its content decides (a steady rewrite is no change).</summary>
    private static bool SeenWhileItsJobRan(Node dep, long seenMtimeNs)
    {
        if (dep.Producer is not Job producer || producer.EndDate == default) return true;
        long startNs = new DateTimeOffset(producer.EndDate - producer.ExecTime).ToUnixTimeMilliseconds() * 1_000_000;
        return seenMtimeNs >= startNs;
    }

    /// <summary>Files the run wrote without the right to are polluted: made again in this request if needed.</summary>
    private void MarkPolluted(Job job, JobRun result)
    {
        foreach (string name in result.UnexpectedWrites)
        {
            Node n = graph.Node(name);
            Graph.Invalidate(n);
            n.PollutedBy = job;
            n.PollutedChecksum = graph.DiskChecksum(n);
            req.ForgetMade(n);
            if (n.Producer != null) req.ForgetMade(n.Producer);
            foreach (Job c in n.Candidates ?? []) req.ForgetMade(c);
        }
        foreach (string name in result.RemovedWrites)
        {
            // a scratch file it wrote then removed: when it was another job's output, that content is gone, and what
            // its job makes there next is new (done, not steady), even if it is the same as before
            Node n = graph.Node(name);
            Graph.Invalidate(n);   // whatever lmake knew of it before the run is stale
            if (n.WrittenBy == 0 || n.WrittenBy == job.Id) continue;
            n.PollutedBy = job;
            n.PollutedChecksum = FileChecksum.None;
            req.ForgetMade(n);
            if (n.Producer != null) req.ForgetMade(n.Producer);
            foreach (Job c in n.Candidates ?? []) req.ForgetMade(c);
        }
    }

    /// <summary>Before a rerun, the static deps the last run polluted are made again (their job restores them).</summary>
    private async Task RemakePollutedDeps(Job job, JobRun result, int depth)
    {
        if (result.UnexpectedWrites.Count == 0) return;
        foreach (Node dep in maker.StaticNodes(job))
            if (dep.PollutedBy != null && result.UnexpectedWrites.Contains(dep.Name)) await maker.MakeNode(dep, depth);
    }

    private NodeResult Fail(Job job, string reason, string status, JobRun result, string? why)
    {
        job.Status = JobStatus.Failed;
        SayRunStatus(job, reason, status, result);
        foreach (string note in result.Notes) req.Note(note);
        PrintStderr(job, result.Stderr);
        if ((job.RunFlags & JobRunFlags.DiskFull) != 0)
        {
            req.Note("the disk of the repo is full: the job runs again once it has room");
            req.FailedOnFullDisk++;
        }
        req.Failed++;
        req.FailedTime += result.ExecTime;
        return new NodeResult(MakeState.Error, true, new ErrorChain(job.Rule.Name, job.Name, why, []));
    }

    private void PrintStderr(Job job, string stderr)
    {
        if (stderr.Length == 0) return;
        string[] lines = stderr.TrimEnd('\n').Split('\n');
        int max = job.Plan.MaxStderrLen > 0 ? job.Plan.MaxStderrLen : int.MaxValue;
        foreach (string line in lines.Take(max)) req.Detail(StatusLine.StderrLine(line));
        if (lines.Length > max) req.Detail(StatusLine.StderrLine("..."));
    }

    /// <summary>The run the request waits for now: one it starts, or one it joins. A request whose client is gone starts
    /// nothing more (nothing to record, nobody to tell): the place the gate kept for it goes to the next job.</summary>
    private RunningJob Enter(Job job, RunReason why, JobRun? lastRun, int depth, bool earlyRerunOwed, GateTurn turn)
    {
        if (turn.Joined is { } joined)
        {
            // another request started it while this one waited at the gate: this one was counted among its waiters
            if (req.Cancelled.IsCancellationRequested) joined.Leave();
            req.Cancelled.ThrowIfCancellationRequested();
            SayStatus(job, why.Text, "started", null);
            return joined;
        }
        if (req.Cancelled.IsCancellationRequested)
        {
            if (turn.Waited) graph.Admission.Unreserve();
            throw new OperationCanceledException(req.Cancelled);
        }
        return RunShared(job, why, lastRun, depth, earlyRerunOwed, reserved: turn.Waited);
    }

    /// <summary>A job needed by several requests at once runs once: later ones wait for the same run.</summary>
    /// <param name="reserved">The gate to the backends kept a place for this run (RunAdmission.WaitTurn).</param>
    private RunningJob RunShared(Job job, RunReason reason, JobRun? lastRun, int depth, bool earlyRerunOwed, bool reserved)
    {
        RunningJob? running = job.Running;
        if (running == null || running.IsOver)   // a finished run is not joined: a rerun or retry starts anew
        {
            // only the request that starts the run clears the targets: one that joins it later would delete
            // what the run has already written
            List<string>? kept = new TargetClearing(graph, req).Clear(job, lastRun, reason);
            JobSubmission submission = SubmissionOf(job);
            job.Running = running = new RunningJob { KeptIncremental = kept != null, KeptTargets = (IReadOnlyList<string>?)kept ?? [], Submission = submission };
            var host = new JobHost(graph, maker, job);
            graph.RunningJobs++;
            graph.Progress.Submitted(job);
            RunningJob started = running;
            graph.Admission.Started(job, running, reserved);
            running.Start(cancel => CachedOrRun(job, started, submission, host, depth, earlyRerunOwed, cancel));
        }
        else
        {
            if (reserved) graph.Admission.Unreserve();
            SayStatus(job, reason.Text, "started", null);   // already running for another lmake: joined, not run twice
        }
        running.Join();
        return running;
    }

    private JobSubmission SubmissionOf(Job job) => new()
    {
        Id = job.Id,
        Plan = job.Plan,
        Config = graph.Makefiles!.Config,
        OutsideSourceDirs = graph.OutsideSourceDirs,
        Pressure = JobPressure.Current,   // (made under its own: see Maker.MakeJob)
    };

    /// <summary>Whether the job asks a cache for a run before it runs: its rule names a configured cache, and lmake -c
    /// is plain or download (none and upload do not look).</summary>
    public bool LooksInCache(Job job) =>
        Options.CacheMethod is CacheMethod.Plain or CacheMethod.Download
        && job.CacheName is { Length: > 0 } cache && graph.Makefiles!.Config.Caches.ContainsKey(cache);

    /// <summary>The cache's run when it has one for the job as it is now, else a run by the backend; then, on the engine
    /// thread before the requests waiting for the run hear of its end, what that end changes: the count of runs under
    /// way, the progress board, the job's run under way. (Done here rather than in a continuation of the run: a
    /// queued job then costs no continuation task, delegate and scheduler, and a full build queues every job at once.)</summary>
    private async Task<JobRun> CachedOrRun(Job job, RunningJob running, JobSubmission submission, JobHost host, int depth,
        bool earlyRerunOwed, CancellationToken cancel)
    {
        JobRun? ended = null;
        try
        {
            JobRun? cached = null;
            if (LooksInCache(job))
            {
                graph.Admission.PastQueue(running);   // (a lookup may make deps, whose jobs must not wait at the gate behind this one)
                cached = await cache.Lookup(submission, name => DepNow(name, depth));
            }
            if (cache.TakeNotice() is string notice) req.Note(notice);
            if (cached != null && earlyRerunOwed) cached = cached with { FromCache = CacheHit.AfterMakingDeps };   // its deps were made first
            if (cached == null && earlyRerunOwed) req.Status("early_rerun", job.Rule.Name, null, job.Name);
            JobRun run = cached ?? await backend.Run(submission, host, cancel);
            return ended = submission.Plan.CheckAbsPaths ? AbsolutePathCheck.Apply(run, graph.RepoRoot) : run;
        }
        finally
        {
            graph.RunningJobs--;
            graph.Admission.PastQueue(running);
            graph.Progress.Ended(job, ended is { Ok: true, FromCache: CacheHit.None } r ? r.ExecTime : null);
            if (job.Running == running) job.Running = null;
            running.Ended();   // its waiters go on (after this task is over)
        }
    }

    /// <summary>A dep of a cached run, made, as it is now; waited: its making could not be decided at once (a job
    /// to run), as for may_rerun.</summary>
    private async Task<(FileChecksum Now, bool Waited)> DepNow(string name, int depth)
    {
        Node node = graph.Node(name);
        Task<NodeResult> making = maker.MakeNode(node, depth);
        bool waited = !making.IsCompleted;
        await making;
        return (graph.Refresh(node), waited);
    }

    /// <summary>A status line of the job; with -v, its first one in this request is followed by why it ran.</summary>
    private void SayRunStatus(Job job, string reason, string status, JobRun result) =>
        // console.host_len: where a job of a remote backend ran (none is shown for the local backend)
        SayStatus(job, reason, status, result.ExecTime, result.Facts is { RanRemotely: true } facts ? facts.Host : null);

    private void SayStatus(Job job, string reason, string status, TimeSpan? execTime, string? host = null)
    {
        req.Status(status, job.Rule.Name, execTime, job.Name, host);
        if (Options.Verbose && (_reasonSaid ??= []).Add(job)) req.Note($"reason : {reason}");
    }

    /// <summary>What a killed run wrote stays its job's (no hand edit to quarantine later), with the content it
    /// left: a next run that leaves the same is steady. The run itself is not recorded: the job runs again.</summary>
    private void KeepKilledTargets(Job job, JobRun result)
    {
        foreach (string name in result.Targets)
        {
            Node t = graph.Node(name);
            Graph.Invalidate(t);
            if (!graph.IsFileOnDisk(name)) continue;
            t.WrittenBy = job.Id;
            t.PollutedBy = null;
            t.WrittenChecksum = graph.Refresh(t);
            graph.Save(t);
        }
    }

    private bool SameTargets(Job job, JobRun result)
    {
        foreach (string name in result.Targets)
        {
            Node t = graph.Node(name);
            if (t.WrittenBy == 0)
            {
                // an incremental target acts as a cache (rules.md): a new entry in it (a lock or a session file of the
                // tool the job runs, under a new name each time) says nothing of what the job made; one it rewrote
                // with another content does, as any other target (a first run has no cache to add to: all is new)
                if (job.Status != JobStatus.Never && !t.HeldWhileFrozen && job.Plan.IsIncrementalTarget(name)) continue;
                return false;   // never left by a job: new content
            }
            if (t.PollutedBy != null) return false;   // another job had overwritten it: it changed back
            if (graph.Refresh(t) != t.WrittenChecksum) return false;   // what Record stores next: hashed once
        }
        return true;
    }

    // (loops rather than LINQ over value types, here and in this type: each such operator brings its own iterator classes
    // into the executable, issue 18)
    private List<(string Name, FileChecksum Seen)> SeenDeps(Job job)
    {
        var deps = new List<(string, FileChecksum)>(job.Deps.Length);
        foreach (DepRecord d in job.Deps) deps.Add((graph.NodeById(d.NodeId).Name, d.Seen));
        return deps;
    }

    private static List<(string Name, FileChecksum Content)> WrittenFiles(Job job)
    {
        var files = new List<(string, FileChecksum)>(job.Targets.Length);
        foreach (Node t in job.Targets) if (t.WrittenChecksum.IsFile) files.Add((t.Name, t.WrittenChecksum));
        return files;
    }

    /// <summary>A run that died of a SIGKILL lmake did not send (kill -9 by someone, the OOM killer): no answer of
    /// the job about its deps, so no failure of its own either (backends.md: a lost job is retried).</summary>
    private static bool IsLost(JobRun result) => !result.Ok && !result.Killed && result.Facts is { ExitCode: 128 + 9 };

    /// <summary>The run becomes the job's last run: in memory, in the store, in its job info, and offered to the cache.</summary>
    /// <param name="seen">What the job saw of its discovered deps: recorded as such, so that a run stopped while one
    /// of them changed (run_loop) is run again next time.</param>
    private void Record(Job job, string reason, JobRun result, List<Node> discovered, List<Rules.DepFlags> flags, List<FileChecksum> seen, RunningJob running)
    {
        bool keptIncremental = running.KeptIncremental;
        job.RunFlags = (keptIncremental ? JobRunFlags.Incremental : 0) | (job.Plan.Force ? JobRunFlags.Forced : 0)
            | (IsLost(result) ? JobRunFlags.Lost : 0)
            | (!result.Ok && !result.Killed && WriteRefused.DiskIsFull(graph.RepoRoot) ? JobRunFlags.DiskFull : 0)
            | (!result.Ok && Options.Local && job.Plan.Backend != "local" ? JobRunFlags.FailedLocally : 0);
        maker.Intermediates.Ran(job);
        job.Status = result.Ok ? JobStatus.Ok : JobStatus.Failed;
        job.RanWithSignature = job.Rule.SignatureHash;
        job.ExecTime = result.ExecTime;
        job.Stderr = result.Stderr;
        job.EndDate = DateTime.Now;
        IReadOnlyList<StaticDep> statics = job.Plan.StaticDeps;
        var deps = new DepRecord[statics.Count + discovered.Count];
        for (int i = 0; i < statics.Count; i++)
        {
            Node n = graph.Node(statics[i].Name);
            deps[i] = new DepRecord(n, true, graph.Refresh(n), statics[i].Flags);
        }
        for (int i = 0; i < discovered.Count; i++)
            deps[statics.Count + i] = new DepRecord(discovered[i], false, seen[i], flags[i], result.DiscoveredDeps[i].Accesses);
        job.Deps = deps;
        Node[] before = job.Targets;
        var targets = new List<Node>(result.Targets.Count);
        foreach (string t in result.Targets) targets.Add(graph.Node(t));
        if (result.Ok)
        {
            // a phony target is made by a job that ran fine, on disk or not (a star one: each file the rules sent here)
            for (int i = 0; i < job.Plan.Targets.Count; i++)
                if ((job.Plan.TargetFlags[i] & TargetFlags.Phony) != 0) AddTarget(graph.Node(job.Plan.Targets[i]));
            foreach (Node w in job.WantedStarTargets ?? [])
                if (job.Plan.IsStarTarget(w.Name, out TargetFlags f) && (f & TargetFlags.Phony) != 0) AddTarget(w);
            void AddTarget(Node t) { if (!targets.Contains(t)) targets.Add(t); }
        }
        foreach (string k in running.KeptTargets)
        {
            // an incremental target the job kept without writing it is still its own
            Node t = graph.Node(k);
            if (!targets.Contains(t) && graph.IsFileOnDisk(k)) targets.Add(t);
        }
        job.Targets = targets.ToArray();
        graph.Save(job);
        HashSet<Node> now = [.. job.Targets];
        foreach (Node t in before)
            if (t.WrittenBy == job.Id && !now.Contains(t))
            {
                // its last run left it, this one did not (cleared before it ran): no job's output any more
                t.WrittenBy = 0;
                t.WrittenChecksum = FileChecksum.None;
                graph.Save(t);
            }
        foreach (Node t in job.Targets)
        {
            t.WrittenBy = job.Id;
            t.PollutedBy = null;
            t.WrittenChecksum = graph.Refresh(t);
            graph.Save(t);
        }
        JobInfos.Write(graph.RepoRoot, job.Id, JobInfoOf.Build(graph, job, reason, result.Facts, t => t.WrittenChecksum));
    }
}
