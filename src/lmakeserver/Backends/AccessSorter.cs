// Sorting a finished job's accesses into what the engine records: the deps it read (in first-access order), the
// targets it left, and whether it broke a rule (an unexpected write, a missing target, a source written, a readdir
// without readdir_ok). The same for every backend: a remote job_exec reports the same accesses.
using Lmake.Autodep;
using Lmake.Server.Rules;
using Lmake.Server.State;

namespace Lmake.Server.Backends;

public static class AccessSorter
{
    /// <param name="facts">What the backend saw of the run, carried into the JobRun.</param>
    public static JobRun Sort(JobPlan plan, JobOutcome outcome, JobCommands commands, IJobHost host, JobRunFacts facts)
    {
        bool sourceOk = host.SourceOk;
        var notes = new List<string>();
        var staticDeps = new HashSet<string>(plan.StaticDeps.Select(d => d.Name), StringComparer.Ordinal);
        var staticTargets = new HashSet<string>(plan.Targets, StringComparer.Ordinal);
        var targets = new List<string>();
        var deps = new List<DiscoveredDep>();
        var unexpected = new List<string>();
        var listed = new List<string>();
        var writtenSources = new List<string>();
        var allowedSources = new List<string>();
        List<string>? preexisting = null;
        List<string>? removed = null;
        List<string>? madeDirs = null;
        var ignored = new HashSet<string>(StringComparer.Ordinal);
        int lastGroup = 0;   // the ldepend call that declared the last dep added
        // what its dynamic attributes read comes first: deps too (made before it ran, see DynamicAttributeDeps)
        // (except what only environ_ancillary read: not managed; and what only resources read is a dep that matters
        // only to a job in error)
        Dictionary<string, int>? dynamicDeps = null;   // name -> its index in deps
        for (int i = 0; i < plan.DynamicReads.Count; i++)
        {
            string name = plan.DynamicReads[i];
            DynamicReadKind kind = plan.ReadKind(i);
            if ((kind & DynamicReadKind.Ancillary) != 0) continue;
            if (!staticDeps.Contains(name) && !staticTargets.Contains(name) && (dynamicDeps ??= new(StringComparer.Ordinal)).TryAdd(name, deps.Count))
                deps.Add(new DiscoveredDep(name, (kind & DynamicReadKind.ForResources) != 0 ? Rules.DepFlags.Resource : Rules.DepFlags.None,
                    DepAccesses.Reg, SeenAbsent: !host.IsFileOnDisk(name)));
        }
        foreach (Access access in outcome.Accesses)
        {
            string name = access.Name;
            if (LmakeDir.Contains(name)) continue;
            if (name == ".")
            {
                // the repo root: listed (a readdir, which needs readdir_ok) but no file, hence never a dep
                if (ListingPermission.IsForbiddenListing(plan, access)) listed.Add(name);
                continue;
            }
            if ((access.TargetFlags & DeclaredTargetFlags.Ignore) != 0) { ignored.Add(name); continue; }   // ltarget -I: not tracked at all
            if ((access.Kinds & AccessKind.Mkdir) != 0) (madeDirs ??= []).Add(name);
            bool written = (access.Kinds & (AccessKind.Write | AccessKind.Unlink)) != 0;
            bool isStar = !staticTargets.Contains(name) && plan.IsStarTarget(name, out _);
            bool isTarget = staticTargets.Contains(name) || isStar || access.DeclaredTarget;
            if (isStar && access.ExistedAtFirstRead && !access.WrittenFirst && !access.DeclaredTarget && host.IsFileOnDisk(name) && !host.IsSource(name))
                (preexisting ??= []).Add(name);
            if (written && host.IsSource(name))
            {
                // a source stays a source: written only with lmake -s or a source_ok target, else an error
                // (source_ok comes from the rule's target entry or from ltarget -s / lmake.target(source_ok=True))
                bool declaredOk = (access.TargetFlags & DeclaredTargetFlags.SourceOk) != 0;
                if (!sourceOk && !declaredOk && (PlanFlags.Of(plan, name) & Rules.TargetFlags.SourceOk) == 0) writtenSources.Add(name);
                else allowedSources.Add(name);
                continue;
            }
            if (written || access.DeclaredTarget)
            {
                if (isTarget) { if (host.IsFileOnDisk(name) && !targets.Contains(name)) targets.Add(name); }
                // a temporary file the job wrote then removed or renamed away (ar, editors) is no target (but what
                // another job had left there is gone)
                else if (!host.IsFileOnDisk(name)) (removed ??= []).Add(name);
                else
                {
                    unexpected.Add(name);
                    // read too (a test for it before writing it): a dep as well, as it was before the job wrote it
                    if ((access.Kinds & Access.ReadKinds) != 0 && !staticDeps.Contains(name))
                        deps.Add(new DiscoveredDep(name, DepFlagsOf(access), AccessesOf(access.Kinds), AlsoWritten: true));
                }
                continue;
            }
            if (isTarget || staticDeps.Contains(name)) continue;
            if (dynamicDeps != null && dynamicDeps.TryGetValue(name, out int at))
            {
                // the job read it too: a plain dep, whatever its resources made of it
                if ((access.Kinds & Access.ReadKinds) != 0 && (deps[at].Flags & Rules.DepFlags.Resource) != 0)
                    deps[at] = deps[at] with { Flags = deps[at].Flags & ~Rules.DepFlags.Resource };
                continue;
            }
            // (an ignored dep keeps only what the job looked at before it was ignored: the parser drops the rest)
            if ((access.Kinds & Access.ReadKinds) == 0) continue;
            if (plan.StarDeps.Count > 0 && plan.IsIgnoredByStarDep(name)) continue;   // side_deps {'A': ('a{*}', 'Ignore')}
            if (ListingPermission.IsForbiddenListing(plan, access)) listed.Add(name);
            // declared by the same ldepend call as the dep before it: no order between them (critical deps, ldepend(1))
            bool parallel = access.ParallelGroup != 0 && access.ParallelGroup == lastGroup;
            lastGroup = access.ParallelGroup;
            deps.Add(new DiscoveredDep(name, DepFlagsOf(access), AccessesOf(access.Kinds), SeenAbsent: !access.ExistedAtFirstRead,
                SeenMtimeNs: access.SeenMtimeNs, Parallel: parallel));
        }
        // each codec association the job used is a dep of its own, read (its value, or its code, is what the job saw)
        foreach (string entry in commands.CodecEntries) deps.Add(new DiscoveredDep(entry, Rules.DepFlags.None, Rules.DepAccesses.Reg));
        // a static target on disk is the job's, unless the job said its writes there are not to be tracked (then what
        // is there is no output of the job: a file nothing makes)
        foreach (string t in plan.Targets)
            if (!targets.Contains(t) && !ignored.Contains(t) && host.IsFileOnDisk(t)) targets.Add(t);

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
        if (commands.CheckDepsFailed)
            return new JobRun(false, "stopped by lcheck_deps", notes, outcome.Stderr, outcome.Wall, deps, targets, false, MustRerun: true, Facts: facts)
                { UnexpectedWrites = unexpected };
        return new JobRun(fail == null, fail, notes, outcome.Stderr, outcome.Wall, deps, targets, outcome.Killed, Facts: facts)
            { WrittenSources = allowedSources, UnexpectedWrites = unexpected, PreexistingStarTargets = preexisting ?? (IReadOnlyList<string>)[],
              RemovedWrites = removed ?? (IReadOnlyList<string>)[], MadeDirs = madeDirs ?? (IReadOnlyList<string>)[] };
    }

    /// <summary>What the job looked at of a dep (a name only declared by ldepend: nothing).</summary>
    private static DepAccesses AccessesOf(AccessKind kinds)
    {
        var a = DepAccesses.None;
        if ((kinds & (AccessKind.Read | AccessKind.Exec)) != 0) a |= DepAccesses.Reg;
        if ((kinds & AccessKind.Readlink) != 0) a |= DepAccesses.Lnk;
        if ((kinds & (AccessKind.Stat | AccessKind.ReadDir)) != 0) a |= DepAccesses.Stat;
        return a;
    }

    /// <summary>What ldepend said of a dep, in the rules' terms; a dep named by ldepend is required unless -r or -D.</summary>
    private static Rules.DepFlags DepFlagsOf(Access access)
    {
        DeclaredDepFlags d = access.DepFlags;
        var flags = Rules.DepFlags.None;
        if ((d & DeclaredDepFlags.Critical) != 0) flags |= Rules.DepFlags.Critical;
        if ((d & DeclaredDepFlags.Essential) != 0) flags |= Rules.DepFlags.Essential;
        if ((d & DeclaredDepFlags.IgnoreError) != 0) flags |= Rules.DepFlags.IgnoreError;
        if ((d & DeclaredDepFlags.ReaddirOk) != 0) flags |= Rules.DepFlags.ReaddirOk;
        // (readdir_ok implies not required: a dir listed need not be buildable)
        if (access.Declared && (d & (DeclaredDepFlags.NotRequired | DeclaredDepFlags.ReaddirOk)) == 0) flags |= Rules.DepFlags.Required;
        return flags;
    }
}
