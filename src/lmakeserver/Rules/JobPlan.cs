// Everything the engine needs to run one job of a rule: its name, targets, static deps, command line,
// environment and limits. Built by RuleEvaluator from a RuleMatch.
using System.Text.RegularExpressions;

namespace Lmake.Server.Rules;

/// <summary>A static dep of a job, in declaration order.</summary>
public sealed record StaticDep(string Key, string Name, DepFlags Flags);

/// <summary>A star target of a job: the files matching <see cref="Regex"/> are its targets if it writes them.</summary>
public sealed record TargetPattern(string Key, Regex Regex, TargetFlags Flags, string Pattern)
{
    /// <summary>The folder all its files lie in (its text before the first star stem), "" for the repo root.</summary>
    public string FixedDir { get; init; } = "";
}

/// <summary>A dep with a star stem: what the job reads that matches <see cref="Regex"/> has <see cref="Flags"/>.</summary>
public sealed record DepPattern(string Key, Regex Regex, DepFlags Flags, string Pattern);

/// <summary>A dep of a rule whose pattern has a star stem.</summary>
public sealed record StarDepSpec(string Key, Template Pattern, DepFlags Flags);

public sealed class JobPlan
{
    /// <summary>Its target and static dep names become the strings the graph already holds for these files
    /// (<paramref name="known"/>: null when it has none), and its job name the target's when they are the same: a
    /// plan lives as long as its job, and each name made anew from the stems was a second copy of the node's
    /// (issue 18). Called once, before the plan is shared.</summary>
    internal void ShareNames(Func<string, string?> known)
    {
        if (Targets is List<string> targets)
            for (int i = 0; i < targets.Count; i++)
            {
                if (known(targets[i]) is string t) targets[i] = t;
                if (_jobName == targets[i]) _jobName = targets[i];
            }
        if (StaticDeps is List<StaticDep> deps)
            for (int i = 0; i < deps.Count; i++)
                if (known(deps[i].Name) is string d && !ReferenceEquals(d, deps[i].Name)) deps[i] = deps[i] with { Name = d };
    }

    public required Rule Rule { get; init; }
    /// <summary>The non-star stems that identify the job.</summary>
    public required IReadOnlyDictionary<string, string> Stems { get; init; }
    /// <summary>The target name with star stems shown as {Stem*} (or the rule's job_name).</summary>
    public required string JobName { get => _jobName; init => _jobName = value; }
    private string _jobName = "";
    /// <summary>Static (non-star) targets, side targets included, resolved.</summary>
    public required IReadOnlyList<string> Targets { get; init; }
    /// <summary>The flags of each static target, same order as <see cref="Targets"/>.</summary>
    public required IReadOnlyList<TargetFlags> TargetFlags { get; init; }
    public required IReadOnlyList<TargetPattern> StarTargets { get; init; }
    public required IReadOnlyList<StaticDep> StaticDeps { get; init; }
    public IReadOnlyList<DepPattern> StarDeps { get; init; } = [];
    /// <summary>side_deps entries without a star stem: not deps, the flags of those files if the job reads them.</summary>
    public IReadOnlyList<StaticDep> SideDeps { get; init; } = [];
    /// <summary>shell... -c script, or python... -c script (the stems, targets and deps as globals, then the cmd by value).</summary>
    public string[] Argv => Command.Argv;
    /// <summary>The script alone (the last element of Argv), for lshow -c and ldebug.</summary>
    public string Script => Command.Script;
    /// <summary>False for an AliasRule without cmd: the job only makes its deps.</summary>
    public required bool HasCmd { get; init; }

    /// <summary>The command, made again from <see cref="CommandMatch"/> at each use when the plan does not keep it.
    /// A server keeps a plan per job for its life, and the script was the largest part of most (issue 18: a shell
    /// line with the job's files, a python job's preamble of its stems, targets and deps); it is needed only when the
    /// job runs (and by lshow -c, ldebug, the cache key), and a command computed without the python helper is made
    /// again from the match alone in microseconds.</summary>
    public JobCommand Command => KeptCommand ?? PartialPlan.CommandOf(CommandMatch!);
    /// <summary>The command when it was computed with the python helper (or says why the job could not be computed).</summary>
    public JobCommand? KeptCommand { get; init; }
    /// <summary>The match the command is made again from when it is not kept.</summary>
    public RuleMatch? CommandMatch { get; init; }
    public string? StdinDep { get; init; }

    /// <summary>The repo files its dynamic attributes (resources, cmd, environ...) read when they were computed: deps
    /// of the job, made before it runs; one that was not made then, or changed since, computes them again.</summary>
    public IReadOnlyList<string> DynamicReads { get; init; } = [];
    /// <summary>DynamicReadKind bits of each of DynamicReads (shorter, or empty: the rest are None).</summary>
    public IReadOnlyList<int> DynamicReadKinds { get; init; } = [];
    public DynamicReadKind ReadKind(int i) => i < DynamicReadKinds.Count ? (DynamicReadKind)DynamicReadKinds[i] : DynamicReadKind.None;
    public string? StdoutTarget { get; init; }
    /// <summary>The rule's environ, environ_resources and environ_ancillary merged; a null value ('...') comes
    /// from the backend's environment.</summary>
    public required IReadOnlyDictionary<string, string?> Environ { get; init; }
    public required string Autodep { get; init; }
    public TimeSpan? Timeout { get; init; }
    public required IReadOnlyList<int> KillSigs { get; init; }
    public required IReadOnlyDictionary<string, string> Resources { get; init; }
    public required string Backend { get; init; }
    public string? Cache { get; init; }
    public TimeSpan StartDelay { get; init; }
    public bool StderrOk { get; init; }
    /// <summary>A target holding the repo's absolute path is an error (it would not hold elsewhere, from a cache).</summary>
    public bool CheckAbsPaths { get; init; }
    public bool ReaddirOk { get; init; }
    public bool AutoMkdir { get; init; }
    public bool KeepTmp { get; init; }
    public bool UseScript { get; init; }
    public bool Force { get; init; }
    public int MaxStderrLen { get; init; }
    /// <summary>0: no limit.</summary>
    public int MaxRuns { get; init; }
    public int MaxSubmits { get; init; }
    public int MaxRetriesOnLost { get; init; }
    /// <summary>The error kinds lmake -r retries, a bit mask: early_error 1, job_error 2, forbidden 4, panic 8,
    /// termination_error 16, timeout 32 (the reader sends job_error|termination_error|timeout by default).</summary>
    public int RetriedErrors { get; init; }
    /// <summary>The job's namespace (repo_view, tmp_view, lmake_view, chroot_dir, views); null: none.</summary>
    public JobViews? Views { get; init; }

    /// <summary>Does this job claim <paramref name="name"/> through one of its star targets?</summary>
    public bool IsStarTarget(string name, out TargetFlags flags)
    {
        foreach (TargetPattern p in StarTargets)
            if (p.Regex.IsMatch(name)) { flags = p.Flags; return true; }
        flags = Rules.TargetFlags.None;
        return false;
    }

    /// <summary>Is <paramref name="name"/>, read by the job, matched by a star dep flagged ignore (not a dep)?</summary>
    public bool IsIgnoredByStarDep(string name)
    {
        foreach (DepPattern p in StarDeps)
            if ((p.Flags & DepFlags.Ignore) != 0 && p.Regex.IsMatch(name)) return true;
        return false;
    }

    public override string ToString() => $"{Rule.Name} {JobName}";
}
