// A rule applied to stems: what it read (deps in first-access order), what it wrote, how it last ended.
using Lmake.Common.Checksums;
using Lmake.Server.Rules;
using Lmake.Server.State;

namespace Lmake.Server.Engine;

/// <summary>A dep as the job last saw it: rerun when its content differs now.</summary>
/// <param name="Accesses">What the job looked at of it: a change it cannot see reruns nothing.</param>
public readonly record struct DepRecord(Node Node, bool IsStatic, FileChecksum Seen, Rules.DepFlags Flags = Rules.DepFlags.None,
    Rules.DepAccesses Accesses = Rules.DepAccesses.All);

public sealed class Job : MemoSlot
{
    public Job(uint id, string key, RuleMatch match, JobPlan plan)
    {
        Id = id;
        Key = key;
        Match = match;
        Plan = plan;
    }

    public uint Id { get; }

    /// <summary>Rule name and job name: what identifies a job across runs.</summary>
    public string Key { get; }

    /// <summary>The key of a job: RULE/JOBNAME (a rule name has no '/', a job name may have some).</summary>
    public static string KeyOf(string rule, string jobName) => GraphStore.JobKeyOf(rule, jobName);

    /// <summary>The rule and job names of a key (KeyOf); the whole key as the job name when it has no '/'.</summary>
    public static (string Rule, string Name) SplitKey(string key) => GraphStore.SplitJobKey(key);

    public RuleMatch Match;
    public JobPlan Plan;

    /// <summary>What each of Plan.DynamicReads held when the plan was computed (Graph.Job): another content since
    /// means the plan is stale.</summary>
    public FileChecksum[] PlanReadsSeen = [];

    public string Name => Plan.JobName;
    public Rule Rule => Match.Rule;

    public JobStatus Status;

    /// <summary>The rule's command signature when the job last ran: a new cmd or environ reruns it.</summary>
    public ulong RanWithSignature;

    /// <summary>The nodes of Plan's static deps (see Maker.StaticNodes), and the plan they were looked up for.</summary>
    public Node[] StaticNodes = [];
    public JobPlan? StaticNodesOf;

    /// <summary>What of its last run makes it out of date later (an incremental target kept, force).</summary>
    public JobRunFlags RunFlags;

    /// <summary>Files the rules resolved to this job through one of its star targets (a dep on a2 of a{*:\d}):
    /// before it runs, such a file found on disk is cleared as its other targets are, though no run of it left it.</summary>
    public HashSet<Node>? WantedStarTargets;

    public List<DepRecord> Deps = [];
    public List<Node> Targets = [];

    /// <summary>Did its last run leave this file? (A star job with many targets gets a set, built once per run.)</summary>
    public bool Wrote(Node node)
    {
        if (Targets.Count <= 8) return Targets.Contains(node);
        if (_targetSetOf != Targets) { _targetSet = [.. Targets]; _targetSetOf = Targets; }
        return _targetSet!.Contains(node);
    }

    private HashSet<Node>? _targetSet;
    private List<Node>? _targetSetOf;

    public string Stderr = "";
    public TimeSpan ExecTime;
    public DateTime EndDate;

    /// <summary>While a run of it is under way (shared by every request that needs it); null otherwise.</summary>
    public RunningJob? Running;

    public override string ToString() => Key;
}
