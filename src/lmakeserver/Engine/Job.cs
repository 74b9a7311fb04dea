// A rule applied to stems: what it read (deps in first-access order), what it wrote, how it last ended.
using Lmake.Common.Checksums;
using Lmake.Server.Rules;
using Lmake.Server.State;

namespace Lmake.Server.Engine;

public sealed class Job : MemoSlot
{
    /// <param name="plan">Its plan, or null: made from the match when first needed (a rule planned natively).</param>
    public Job(uint id, string name, RuleMatch match, JobPlan? plan)
    {
        Id = id;
        Name = name;
        Match = match;
        _plan = plan;
    }

    public uint Id { get; }

    /// <summary>Rule name and job name: what identifies a job across runs. Made when asked (a server holds tens of
    /// thousands of jobs, and their keys are in the store).</summary>
    public string Key => KeyOf(Rule.Name, Name);

    /// <summary>The key of a job: RULE/JOBNAME (a rule name has no '/', a job name may have some).</summary>
    public static string KeyOf(string rule, string jobName) => GraphStore.JobKeyOf(rule, jobName);

    /// <summary>The rule and job names of a key (KeyOf); the whole key as the job name when it has no '/'.</summary>
    public static (string Rule, string Name) SplitKey(string key) => GraphStore.SplitJobKey(key);

    public RuleMatch Match;

    /// <summary>Everything needed to run it. A job of a rule planned natively has one only while it is needed (made
    /// from its match on first use, let go by <see cref="LetGoOfPlan"/>); a plan the python helper computed is kept.</summary>
    public JobPlan Plan
    {
        get => _plan ??= Rule.Evaluator?.Plan(Match) ?? throw new InvalidOperationException($"job {Key}: its rules have no evaluator");
        set => _plan = value;
    }
    private JobPlan? _plan;

    /// <summary>Its plan is let go when it can be made again from the match alone (Rule.PlansNatively).</summary>
    public void LetGoOfPlan()
    {
        if (_plan != null && Rule.PlansNatively && _plan.KeptCommand == null) _plan = null;
    }

    /// <summary>Resolved to another rule's match (the Lmakefile changed): what it had of the former is let go.</summary>
    public void Rematched(RuleMatch match)
    {
        Match = match;
        _plan = null;
        PlanReadsSeen = [];
        StaticNodesOf = null;
    }

    /// <summary>A plan is at hand (no need to make one to answer from it).</summary>
    public bool HasPlan => _plan != null;

    /// <summary>What each of Plan.DynamicReads held when the plan was computed (Graph.Job): another content since
    /// means the plan is stale.</summary>
    public FileChecksum[] PlanReadsSeen
    {
        get => _rare?.PlanReadsSeen ?? [];
        set { if (value.Length > 0 || _rare != null) Rarely.PlanReadsSeen = value; }
    }

    /// <summary>Its job name (star stems shown as {Stem*}): the plan's JobName, known without a plan.</summary>
    public string Name { get; }
    public Rule Rule => Match.Rule;

    public JobStatus Status;

    /// <summary>The rule's command signature when the job last ran: a new cmd or environ reruns it.</summary>
    public ulong RanWithSignature;

    /// <summary>The nodes of its static deps (see Maker.StaticNodes), and what they were looked up for: the match for a
    /// rule planned natively, else the plan.</summary>
    public Node[] StaticNodes = [];
    public object? StaticNodesOf;

    /// <summary>The flags of its static dep <paramref name="index"/> (Maker.StaticNodes' order), without making a plan
    /// when the rule gives them.</summary>
    public Rules.DepFlags StaticDepFlags(int index) =>
        Rule.PlansNatively ? Rule.NativeStaticDeps[index].Flags : Plan.StaticDeps[index].Flags;

    /// <summary>The cache its rule names for this job (null: none), without making a plan when the rule gives it.</summary>
    public string? CacheName => Rule.PlansNatively ? Rule.Attrs.Cache : Plan.Cache;

    /// <summary>The rule's force attribute for this job, without making a plan when the rule gives it.</summary>
    public bool Forced => Rule.PlansNatively ? Rule.Attrs.Force ?? false : Plan.Force;

    /// <summary>What of its last run makes it out of date later (an incremental target kept, force).</summary>
    public JobRunFlags RunFlags;

    /// <summary>Files the rules resolved to this job through one of its star targets (a dep on a2 of a{*:\d}):
    /// before it runs, such a file found on disk is cleared as its other targets are, though no run of it left it.</summary>
    public HashSet<Node>? WantedStarTargets
    {
        get => _rare?.WantedStarTargets;
        set { if (value != null || _rare != null) Rarely.WantedStarTargets = value; }
    }

    /// <summary>What its last run read, static deps first (sized once: a job keeps them until it runs again).</summary>
    public DepRecord[] Deps = [];
    /// <summary>What its last run left (an array: a job keeps it until it runs again, issue 18).</summary>
    public Node[] Targets = [];

    /// <summary>Did its last run leave this file? (A star job with many targets gets a set, built once per run.)</summary>
    public bool Wrote(Node node)
    {
        if (Targets.Length <= 8) return Array.IndexOf(Targets, node) >= 0;
        RareFacts rare = Rarely;
        if (rare.TargetSetOf != Targets) { rare.TargetSet = [.. Targets]; rare.TargetSetOf = Targets; }
        return rare.TargetSet!.Contains(node);
    }

    /// <summary>What its last run wrote on its stderr (most runs: nothing).</summary>
    public string Stderr
    {
        get => _rare?.Stderr ?? "";
        set { if (value.Length > 0 || _rare != null) Rarely.Stderr = value; }
    }
    public TimeSpan ExecTime;
    public DateTime EndDate;

    /// <summary>While a run of it is under way (shared by every request that needs it); null otherwise.</summary>
    public RunningJob? Running;

    // what few jobs have (dynamic attributes, star targets wanted before they ran, many targets, a stderr): one object for
    // those, made when one is first set, and a reference on every job (issue 18: 32 bytes less a job)
    private sealed class RareFacts
    {
        public FileChecksum[] PlanReadsSeen = [];
        public HashSet<Node>? WantedStarTargets;
        public HashSet<Node>? TargetSet;   // Targets as a set, for Wrote
        public Node[]? TargetSetOf;
        public string Stderr = "";
    }
    private RareFacts? _rare;
    private RareFacts Rarely => _rare ??= new RareFacts();

    public override string ToString() => Match is null ? Name : Key;   // (a job lmake_repair restores has no match)
}
