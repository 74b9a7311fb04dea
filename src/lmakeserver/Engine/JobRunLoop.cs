// Running a job that must run, until it is stable: its targets cleared (a hand edit quarantined), the run shared
// with every request that needs it, the deps it discovered made and compared with what it saw (a changed one reruns
// it, within max_runs and max_submits), retries of a failed run (-r), the run recorded (store, job info), and its
// status lines (done, steady, failed, dep_error, rerun, may_rerun...).
using Lmake.Common.Checksums;
using Lmake.Common.Commands;
using Lmake.Server.Backends;
using Lmake.Server.Cache;
using Lmake.Server.Rules;
using Lmake.Server.State;

namespace Lmake.Server.Engine;

internal sealed class JobRunLoop(Maker maker, Graph graph, IBackend backend, IJobCache cache, MakeRequest req)
{
    // jobs whose reason to run was said under their first status line (-v)
    private HashSet<Job>? _reasonSaid;

    private LmakeOptions Options => req.Options;

    /// <param name="reason">Why it must run (lmake -v, lshow -i).</param>
    public async Task<NodeResult> RunUntilStable(Job job, string reason, int depth)
    {
        int maxRuns = Options.MaxRuns ?? (job.Plan.MaxRuns > 0 ? job.Plan.MaxRuns : int.MaxValue);   // rule's 0: no limit
        // every run is a submission, retries included: max_submits bounds them all (rule's 0: no limit)
        int maxSubmits = Options.MaxSubmits ?? (job.Plan.MaxSubmits > 0 ? job.Plan.MaxSubmits : int.MaxValue);
        int retries = 0;
        for (int run = 1; ; run++)
        {
            // a request whose client is gone starts nothing more, and stops once its run ends (killed when every
            // client that wanted it left; else another request records it): nothing to record, nobody to tell
            req.Cancelled.ThrowIfCancellationRequested();
            RunningJob running = RunShared(job, reason);
            JobRun result;
            // the client's ^C arrives on a transport thread: it is handed to the engine thread, where this request
            // leaves the run (the last one to leave stops it)
            SynchronizationContext engine = SynchronizationContext.Current!;
            using (req.Cancelled.Register(() => engine.Post(_ => { if (job.Running == running) running.Leave(); }, null)))
                result = await running.Completion;
            req.Cancelled.ThrowIfCancellationRequested();
            foreach (Node t in job.Targets) Graph.Invalidate(t);
            foreach (string t in result.Targets) Graph.Invalidate(graph.Node(t));
            foreach (string t in job.Plan.Targets) Graph.Invalidate(graph.Node(t));
            // steady: every target the run left holds what a job had left there before (none left: nothing changed);
            // decided by the first request that sees the run, before anyone records it (a request that joined the
            // run must not compare with the run itself)
            bool steady = running.Steady ??= result.Ok && SameTargets(result);
            // deps discovered while running: snapshot what the job saw, make them, compare
            var discovered = result.DiscoveredDeps.Select(d => graph.Node(d.Name)).ToList();
            var flags = result.DiscoveredDeps.Select(d => d.Flags).ToList();
            var seen = discovered.Select(graph.DiskChecksum).ToList();
            // may_rerun: a dep must be waited for (a job to run); one decided at once (up to date, or blocked by
            // an error already known) is no reason to announce a rerun
            Task<NodeResult>[] making = new Task<NodeResult>[discovered.Count];
            for (int i = 0; i < making.Length; i++) making[i] = maker.MakeNode(discovered[i], depth);
            // (a run stopped by lcheck_deps is a sure rerun: said as rerun)
            bool mayRerun = !result.MustRerun && making.Any(t => !t.IsCompleted);
            if (mayRerun) SayStatus(job, reason, "may_rerun", result.ExecTime);
            NodeResult[] results = await Task.WhenAll(making);
            // in the order the job read them: a dep that changed before any dep in error reruns the job (the change may
            // lead it elsewhere, ldepend(1) note 3); a dep in error first stands, whatever changed after it
            bool changed = result.MustRerun;
            var depErrors = new List<ErrorChain>();
            for (int i = 0; i < discovered.Count; i++)
            {
                string? missing = (flags[i] & Rules.DepFlags.Required) != 0 ? "required dep is missing" : null;
                FileChecksum now = graph.Refresh(discovered[i]);
                if (ErrorChain.OfDep(results[i], discovered[i].Name, flags[i], missing) is { } cause) depErrors.Add(cause);
                else if (depErrors.Count == 0 && result.DiscoveredDeps[i].Accesses.Differ(seen[i], now)) changed = true;
            }
            bool submitsLeft = run + retries < maxSubmits;
            if (changed && run < maxRuns && submitsLeft)
            {
                // after may_rerun the rerun goes unsaid (may_rerun announced it); rerun is for a dep already made
                // when the job started that changed while it ran, or a run that asked for it
                if (!mayRerun) SayStatus(job, reason, "rerun", result.ExecTime);
                continue;
            }
            if (!running.Recorded) Record(job, reason, result, discovered, flags, seen, running.KeptIncremental);
            running.Recorded = true;   // by the first request to get here: the others share that record
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
                SayStatus(job, reason, status, result.ExecTime);
                foreach (ErrorChain e in depErrors)
                {
                    if (e.Rule == "dangling") req.Dangling(e.Name);
                    else req.Note($"dep in error : {e.Name}");
                }
                req.Failed++;
                req.FailedTime += result.ExecTime;
                return new NodeResult(MakeState.Error, true, new ErrorChain(job.Rule.Name, job.Name, "dep in error", depErrors));
            }
            if (!result.Ok && retries < Options.RetryOnError && !result.Killed && submitsLeft
                && (job.Plan.RetriedErrors & RetriedErrors.KindOf(result)) != 0)
            {
                // lmake -r N: a failed job is run again, up to N times (flaky tools, lost machines), for the error
                // kinds its rule retries: the failed run is said (unless may_rerun said it), then the retry
                retries++;
                if (!mayRerun)
                {
                    SayStatus(job, reason, "failed", result.ExecTime);
                    foreach (string note in result.Notes) req.Note(note);
                    PrintStderr(job, result.Stderr);
                }
                SayStatus(job, reason, "retry", null);
                run--;   // a retry is not a rerun: it does not count towards max_runs
                continue;
            }
            if (!result.Ok) return Fail(job, reason, mayRerun ? "was_failed" : "failed", result, result.FailReason);
            string ok = steady ? (mayRerun ? "was_steady" : "steady") : (mayRerun ? "was_done" : "done");
            SayStatus(job, reason, ok, result.ExecTime);
            PrintStderr(job, result.Stderr);
            cache.Store(running.Submission, result, job.Deps.Select(d => (d.Node.Name, d.Seen)));
            if (steady) { req.Steady++; req.SteadyTime += result.ExecTime; }
            else { req.Done++; req.DoneTime += result.ExecTime; }
            return new NodeResult(MakeState.Ok, true, null);
        }
    }

    private NodeResult Fail(Job job, string reason, string status, JobRun result, string? why)
    {
        job.Status = JobStatus.Failed;
        SayStatus(job, reason, status, result.ExecTime);
        foreach (string note in result.Notes) req.Note(note);
        PrintStderr(job, result.Stderr);
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

    /// <summary>A job needed by several requests at once runs once: later ones wait for the same run.</summary>
    private RunningJob RunShared(Job job, string reason)
    {
        RunningJob? running = job.Running;
        if (running == null || running.IsOver)   // a finished run is not joined: a rerun or retry starts anew
        {
            // only the request that starts the run clears the targets: one that joins it later would delete
            // what the run has already written
            bool keptIncremental = ClearTargets(job);
            JobSubmission submission = SubmissionOf(job);
            job.Running = running = new RunningJob { KeptIncremental = keptIncremental, Submission = submission };
            var host = new JobHost(graph, maker, job);
            running.Start(cancel => CachedOrRun(submission, host, cancel));
            RunningJob started = running;
            _ = started.Completion.ContinueWith(_ => { if (job.Running == started) job.Running = null; }, TaskScheduler.FromCurrentSynchronizationContext());
        }
        else SayStatus(job, reason, "started", null);   // already running for another lmake: joined, not run twice
        running.Join();
        return running;
    }

    private JobSubmission SubmissionOf(Job job) => new()
    {
        Id = job.Id,
        Plan = job.Plan,
        Config = graph.Makefiles!.Config,
        AbsoluteSourceDirs = graph.AbsoluteSourceDirs,
    };

    /// <summary>The cache's run when it has one for the job as it is now, else a run by the backend.</summary>
    private async Task<JobRun> CachedOrRun(JobSubmission submission, JobHost host, CancellationToken cancel) =>
        await cache.Lookup(submission, name => graph.Refresh(graph.Node(name))) ?? await backend.Run(submission, host, cancel);

    /// <summary>A status line of the job; with -v, its first one in this request is followed by why it ran.</summary>
    private void SayStatus(Job job, string reason, string status, TimeSpan? execTime)
    {
        req.Status(status, job.Rule.Name, execTime, job.Name);
        if (Options.Verbose && (_reasonSaid ??= []).Add(job)) req.Note($"reason : {reason}");
    }

    private bool SameTargets(JobRun result)
    {
        foreach (string name in result.Targets)
        {
            Node t = graph.Node(name);
            if (t.WrittenBy == 0) return false;   // never left by a job: new content
            if (graph.Refresh(t) != t.WrittenChecksum) return false;   // what Record stores next: hashed once
        }
        return true;
    }

    /// <summary>The run becomes the job's last run: in memory, in the store, in its job info, and offered to the cache.</summary>
    /// <param name="seen">What the job saw of its discovered deps: recorded as such, so that a run stopped while one
    /// of them changed (run_loop) is run again next time.</param>
    private void Record(Job job, string reason, JobRun result, List<Node> discovered, List<Rules.DepFlags> flags, List<FileChecksum> seen, bool keptIncremental)
    {
        job.RunFlags = (keptIncremental ? JobRunFlags.Incremental : 0) | (job.Plan.Force ? JobRunFlags.Forced : 0);
        maker.Intermediates.Ran(job);
        job.Status = result.Ok ? JobStatus.Ok : JobStatus.Failed;
        job.RanWithSignature = job.Rule.SignatureHash;
        job.ExecTime = result.ExecTime;
        job.Stderr = result.Stderr;
        job.EndDate = DateTime.Now;
        var deps = new List<DepRecord>();
        foreach (var d in job.Plan.StaticDeps)
        {
            Node n = graph.Node(d.Name);
            deps.Add(new DepRecord(n, true, graph.Refresh(n), d.Flags));
        }
        for (int i = 0; i < discovered.Count; i++)
            deps.Add(new DepRecord(discovered[i], false, seen[i], flags[i], result.DiscoveredDeps[i].Accesses));
        job.Deps = deps;
        job.Targets = result.Targets.Select(graph.Node).ToList();
        graph.Save(job);
        foreach (Node t in job.Targets)
        {
            t.WrittenBy = job.Id;
            t.WrittenChecksum = graph.Refresh(t);
            graph.Save(t);
        }
        JobInfos.Write(graph.RepoRoot, job.Id, JobInfoOf.Build(job, reason, result.Facts, t => t.WrittenChecksum));
    }

    /// <summary>Before a run its targets go (its own, and files of its plan that an earlier job, of a rule since
    /// changed, left), so that what the job leaves is only what it made this time; incremental ones stay (unless
    /// -I). One edited by hand since its job left it is never lost (A4): it is moved to LMAKE/quarantine/.
    /// Returns whether an incremental target was there and kept (the run builds on it).</summary>
    private bool ClearTargets(Job job)
    {
        bool kept = false;
        foreach (Node t in job.Targets.Concat(job.Plan.Targets.Select(graph.Node)).Distinct())
        {
            if (t.WrittenBy != 0)
            {
                FileChecksum now = graph.Refresh(t);
                if (now.IsFile && now != t.WrittenChecksum)
                {
                    StaleOutputs.Quarantine(graph, t);
                    req.Status("quarantined", job.Rule.Name, null, t.Name);
                    graph.Refresh(t);
                    continue;
                }
            }
            bool there = graph.IsFileOnDisk(t.Name);
            if (job.Plan.IsIncrementalTarget(t.Name) && !Options.IgnoreIncremental) { kept |= there; continue; }
            if (there) graph.Disk.Unlink(t.Name);
        }
        return kept;
    }
}
