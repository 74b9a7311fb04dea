// What the engine needs of a job of a rule planned natively (Rule.PlansNatively: no attribute computed per job by the
// python helper) to resolve files and to decide that the job is up to date: its name, its static deps and its static
// targets, each a function of the match alone. A whole JobPlan (command, environ, resources, limits...) is only needed
// when the job runs or is shown: a no-op of a server just started no longer computes one per job, and a server no
// longer keeps one per job for its life (issue 18: the cold no-op, and the memory per node).
namespace Lmake.Server.Rules;

public static class JobShape
{
    /// <summary>The stems that identify the job: the match's, less the star stems (the match's own when there are none).</summary>
    public static IReadOnlyDictionary<string, string> NonStarStems(RuleMatch match)
    {
        Rule rule = match.Rule;
        if (rule.StarStems.Count == 0) return match.Stems;
        var stems = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (stem, value) in match.Stems)
            if (!rule.StarStems.Contains(stem)) stems[stem] = value;
        return stems;
    }

    /// <summary>The job's name (star stems shown as {Stem*}), as its plan has it.</summary>
    public static string JobName(RuleMatch match) => match.Rule.JobName.ExpandJobName(NonStarStems(match));

    /// <summary>The names of the job's static deps (side deps left out), in order: <paramref name="plan"/>'s when it is
    /// given (the python helper computed them), else made from the match (a rule planned natively).</summary>
    public static string[] StaticDepNames(RuleMatch match, JobPlan? plan)
    {
        if (plan != null)
        {
            var planned = new string[plan.StaticDeps.Count];
            for (int i = 0; i < planned.Length; i++) planned[i] = plan.StaticDeps[i].Name;
            return planned;
        }
        DepSpec[] deps = match.Rule.NativeStaticDeps;
        if (deps.Length == 0) return [];
        IReadOnlyDictionary<string, string> stems = NonStarStems(match);
        var names = new string[deps.Length];
        for (int i = 0; i < deps.Length; i++) names[i] = deps[i].Native!.Expand(stems);
        return names;
    }

    /// <summary>Flags of a static target as the job's plan has them: a side target is allowed, not promised.</summary>
    public static TargetFlags StaticTargetFlags(TargetSpec target) => target.IsSide ? target.Flags | TargetFlags.Optional : target.Flags;
}
