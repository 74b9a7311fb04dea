// Flags of a job's static targets, looked up by name.

namespace Lmake.Server.Rules;

public static class PlanFlags
{
    public static TargetFlags Of(JobPlan plan, string target)
    {
        for (int i = 0; i < plan.Targets.Count; i++)
            if (plan.Targets[i] == target) return plan.TargetFlags[i];
        return plan.IsStarTarget(target, out TargetFlags flags) ? flags : TargetFlags.None;
    }

    public static bool IsOptionalTarget(this JobPlan plan, string target) =>
        (Of(plan, target) & (TargetFlags.Optional | TargetFlags.Phony)) != 0;

    public static bool IsIncrementalTarget(this JobPlan plan, string target) =>
        (Of(plan, target) & TargetFlags.Incremental) != 0;
}
