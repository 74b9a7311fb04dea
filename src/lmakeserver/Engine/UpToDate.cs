// The one decision "must this job run, and why" (A4: content, not dates), used by every path that asks it:
// making a job (Maker.MakeJob, at once when its deps are decided at once, else after waiting for them), and
// deciding whether an intermediate deleted by hand may stay absent (Intermediates, state only).
using Lmake.Common.Checksums;
using Lmake.Server.Rules;
using Lmake.Server.State;

namespace Lmake.Server.Engine;

/// <summary>What UpToDate decided of a job in one request.</summary>
/// <param name="Worked">Some job ran while its deps were made.</param>
/// <param name="Reason">Why it must run (null: it need not).</param>
/// <param name="Blocked">A static dep in error or missing: it cannot run.</param>
public readonly record struct JobVerdict(bool Worked, RunReason? Reason, ErrorChain? Blocked)
{
    public bool IsUpToDate => Reason == null && Blocked == null;
}

internal sealed class UpToDate(Maker maker, Graph graph, MakeRequest req)
{
    private static readonly JobVerdict NotUpToDate = new(false, "not up to date", null);

    /// <summary>Makes the job's deps as far as needed to decide, and decides. Completes synchronously when
    /// every dep it looks at is decided at once (a no-op build). <paramref name="stateOnly"/>: the question of
    /// Intermediates: targets deleted or edited by hand since are no reason to run, any dep not Ok or changed is (lmark -t
    /// included), deps are made one after the other and the first such one ends the check.</summary>
    public async ValueTask<JobVerdict> Check(Job job, int depth, bool stateOnly)
    {
        bool worked = false;
        Node[] statics = maker.StaticNodes(job);
        // lmake -d / -D: deps (the non-essential ones, or all) are not looked at, not even made
        bool skipSome = !stateOnly && (req.Options.NoDeps || req.Options.EssentialDepsOnly);
        // static deps first, all started at once, then looked at in order
        if (!stateOnly)
            for (int i = 0; i < statics.Length; i++)
                if (!skipSome || !Ignored(job.StaticDepFlags(i))) _ = maker.MakeDep(statics[i], depth);
        List<ErrorChain>? causes = null;
        for (int i = 0; i < statics.Length; i++)
        {
            if (skipSome && Ignored(job.StaticDepFlags(i))) continue;
            NodeResult made = await maker.MakeDep(statics[i], depth);
            worked |= made.Worked;
            if (stateOnly)
            {
                if (made.State != MakeState.Ok) return NotUpToDate;
                continue;
            }
            if (ErrorChain.OfDep(made, statics[i].Name, job.StaticDepFlags(i), "static dep is missing") is { } cause) (causes ??= []).Add(cause);
        }
        if (causes != null) return new JobVerdict(worked, null, new ErrorChain(job.Rule.Name, job.Name, null, causes));

        RunReason? reason = ReasonToRun(job, missingTargetsOk: stateOnly);
        // a hand edit of a target is the reason to run only when nothing else is: a run due for a dep that changed
        // sweeps the edit away on its way (TargetClearing then says it in the summary, not as a status line)
        RunReason? edited = null;
        if (!stateOnly && reason is { EditedTarget: not null }) (edited, reason) = (reason, null);
        // a job that must run still has its deps of last time made first (up to a critical one): one in error
        // blocks it (running it would only read that dep again); after a new command they are made all the same
        // (a cycle through them stays one until lforget -d), but their errors block nothing (it may not read them now)
        bool newCommand = job.RanWithSignature != job.Rule.SignatureHash;
        if (reason != null && (stateOnly || job.Deps.Length == 0))
            return new JobVerdict(worked, reason, null);
        if (stateOnly && ChangedStaticDep(job, applyMarks: false) != null) return NotUpToDate;
        // a critical static dep that changed: the deps read after it last time are not made (the job, rerun, may
        // not read them any more: it discovers again those it still reads)
        if (!stateOnly && ChangedStaticDep(job, applyMarks: true, skipSome, criticalOnly: true) is string critical)
            return new JobVerdict(worked, reason ?? critical, null);

        // deps it discovered last time, made in batches that end at a critical dep: when that one changed, the
        // deps after it are not made (the job, rerun, may not read them any more); a job that must run for another
        // reason still has them made up to there (critical_deps.md)
        DepRecord[] deps = job.Deps;
        bool criticalChanged = false;
        for (int start = 0, end; start < deps.Length && !criticalChanged; start = end)
        {
            // (the question of Intermediates looks at them one by one: the first one not as it was ends it)
            end = stateOnly ? start + 1 : CriticalBatches.End(deps, start);
            for (int i = start; i < end; i++)
                if (!deps[i].IsStatic && !(skipSome && Ignored(deps[i].Flags))) _ = maker.MakeDep(graph.NodeById(deps[i].NodeId), depth);
            for (int i = start; i < end; i++)
            {
                DepRecord dep = deps[i];
                if (dep.IsStatic || (skipSome && Ignored(dep.Flags))) continue;
                Node node = graph.NodeById(dep.NodeId);
                NodeResult made = await maker.MakeDep(node, depth);
                worked |= made.Worked;
                if (stateOnly)
                {
                    if (made.State is MakeState.Error or MakeState.Dangling || Changed(dep, node)) return NotUpToDate;
                }
                else if (ErrorChain.OfDep(made, node.Name, dep.Flags, missingReason: null) is { } cause) { if (!newCommand) (causes ??= []).Add(cause); }
                else if (Changed(dep, node) && Triggers(node) && Matters(job, dep))
                {
                    reason ??= $"dep {node.Name} changed";
                    if ((dep.Flags & DepFlags.Critical) != 0) criticalChanged = true;
                }
            }
        }
        if (!stateOnly) reason ??= ChangedStaticDep(job, applyMarks: true, skipSome);
        if (causes != null)
        {
            // a dep it read last time is in error (changed or not): it is not run (running it would only read that
            // dep again), and it is in error itself until that dep is fixed
            if (job.Status == JobStatus.Ok) { job.Status = JobStatus.DepError; graph.Save(job); }
            foreach (ErrorChain e in causes) if (e.Rule == "dangling") req.Dangling(e.Name);
            return new JobVerdict(worked, null, new ErrorChain(job.Rule.Name, job.Name, null, causes));
        }
        // its deps were in error and are fixed now
        if (!stateOnly && reason == null && job.Status == JobStatus.DepError) reason = "deps no longer in error";
        return new JobVerdict(worked, reason ?? edited, null);
    }

    /// <summary>Why the job must run without looking at its deps, or null. <paramref name="missingTargetsOk"/>:
    /// targets it made that were deleted or edited by hand since are no reason (nothing needs their content yet).</summary>
    public RunReason? ReasonToRun(Job job, bool missingTargetsOk = false)
    {
        if (job.Status == JobStatus.Never) return RunReason.NeverRan;
        if (job.RanWithSignature != job.Rule.SignatureHash) return RunReason.CommandChanged;
        // a job in error stays so while nothing it depends on changes, unless -e says old errors were transient
        if (job.Status != JobStatus.Ok && req.Options.ForgetOldErrors) return "previous run failed (-e)";
        if (job.Rule.Kind == RuleKind.Alias) return "alias";
        if (job.Forced) return "force";
        if (job.RunFlags != 0)
        {
            if ((job.RunFlags & JobRunFlags.Forced) != 0) return "last run was forced";
            if ((job.RunFlags & JobRunFlags.Lost) != 0) return "last run was lost";
            if ((job.RunFlags & JobRunFlags.DiskFull) != 0) return "last run failed on a full disk";
            if ((job.RunFlags & JobRunFlags.Incremental) != 0 && req.Options.IgnoreIncremental) return "last run was incremental (-I)";
            if ((job.RunFlags & JobRunFlags.FailedLocally) != 0 && !req.Options.Local) return $"failed on the local backend (-l), its rule's is {job.Plan.Backend}";
        }
        bool ok = job.Status == JobStatus.Ok;
        foreach (Node t in job.Targets)
        {
            FileChecksum now = graph.Refresh(t);
            if (!ok && !now.IsFile) continue;   // a run in error vouches for no target: only a hand edit matters
            // what another job left there since (rules changed, then changed back) is not this job's output
            if (t.WrittenBy != job.Id && t.WrittenBy != 0 && now.IsFile) return $"target {t.Name} was made by another job since";
            if (t.HeldWhileFrozen && now.IsFile) return $"target {t.Name} was changed while frozen";
            // (a target since removed by lmake is no longer this job's)
            if (t.WrittenBy == job.Id && (now == t.WrittenChecksum || missingTargetsOk)) continue;
            return now.IsFile ? RunReason.TargetModified(t.Name) : $"target {t.Name} is missing";
        }
        if (!ok) return null;
        return job.Rule.PlansNatively ? MissingStaticTarget(job) : MissingPlannedTarget(job);
    }

    private static RunReason? MissingPlannedTarget(Job job)
    {
        IReadOnlyList<string> planned = job.Plan.Targets;
        for (int i = 0; i < planned.Count; i++)
            if (!HasTarget(job, planned[i], i) && !job.Plan.IsOptionalTarget(planned[i])) return $"target {planned[i]} is missing";
        return null;
    }

    /// <summary>The first static target the job must leave and did not last time, from its rule and match (JobShape):
    /// a no-op makes no plan.</summary>
    private static RunReason? MissingStaticTarget(Job job)
    {
        TargetSpec[] targets = job.Rule.StaticTargets;
        IReadOnlyDictionary<string, string>? stems = null;
        for (int i = 0; i < targets.Length; i++)
        {
            if ((JobShape.StaticTargetFlags(targets[i]) & (TargetFlags.Optional | TargetFlags.Phony)) != 0) continue;
            // the file the job was matched for, at its place: it is that target's expansion, no stems needed (a match
            // keeps none once its job is resolved, RuleMatch)
            if (i < job.Targets.Length && targets[i] == job.Match.Target && job.Targets[i].Name == job.Match.Name) continue;
            stems ??= JobShape.NonStarStems(job.Match);
            // (recorded in the plan's order: the one at the same place, compared without making its name)
            if (i < job.Targets.Length && targets[i].Pattern.IsExpansion(job.Targets[i].Name, stems)) continue;
            string name = targets[i].Pattern.ExpandStems(stems);
            if (!HasTarget(job, name, i)) return $"target {name} is missing";
        }
        return null;
    }

    /// <summary>The first static dep whose content differs from what the job saw, as a reason.
    /// <paramref name="applyMarks"/>: a dep marked no-trigger (lmark -t) is no reason.</summary>
    private string? ChangedStaticDep(Job job, bool applyMarks, bool skipSome = false, bool criticalOnly = false)
    {
        foreach (DepRecord dep in job.Deps)
        {
            if (!dep.IsStatic || (criticalOnly && (dep.Flags & DepFlags.Critical) == 0) || (skipSome && Ignored(dep.Flags))) continue;
            Node node = graph.NodeById(dep.NodeId);
            if (Changed(dep, node) && (!applyMarks || Triggers(node))) return $"dep {node.Name} changed";
        }
        return null;
    }

    /// <summary>A dep only the job's resources read: as a change of its resources (rules.md), its change reruns
    /// the job only when that job is in error.</summary>
    private static bool Matters(Job job, DepRecord dep) => (dep.Flags & DepFlags.Resource) == 0 || job.Status != JobStatus.Ok;

    /// <summary>lmake -D: no dep is looked at; -d: only the essential ones are.</summary>
    private bool Ignored(DepFlags flags) => req.Options.NoDeps || (flags & DepFlags.Essential) == 0;

    /// <summary>What a dependent compares with what it saw: the content the job left, for an absent intermediate.</summary>
    private FileChecksum Current(Node node) => maker.Intermediates.Current(node);

    /// <summary>The dep is not as the job saw it, in what the job looked at of it.</summary>
    private bool Changed(DepRecord dep, Node node) =>
        dep.Accesses.Differ(dep.Seen, Current(node))
        || (req.SourcesSeenFirst.TryGetValue(node, out FileChecksum first) && dep.Accesses.Differ(dep.Seen, first));

    /// <summary>lmark -t: a change of this dep does not rerun the job (the summary says it was ignored).</summary>
    private bool Triggers(Node dep)
    {
        if (!graph.Marks.IsNoTrigger(dep.Name)) return true;
        req.MarksInUse.Add($"no-trigger : {dep.Name}");
        return false;
    }

    /// <summary>Is <paramref name="name"/> among the targets the job last left? Looked at first where it was
    /// in the plan: targets are recorded in the plan's order, so a no-op finds each at once.</summary>
    private static bool HasTarget(Job job, string name, int hint)
    {
        Node[] targets = job.Targets;
        if (hint < targets.Length && targets[hint].Name == name) return true;
        foreach (Node t in targets) if (t.Name == name) return true;
        return false;
    }
}
