// What the engine gives a backend to run: the job's identity and its plan (the rule applied to its stems: cmd,
// environ, resources, static deps and targets...), with the repo's settings that apply to this run.
using Lmake.Server.Rules;

namespace Lmake.Server.Backends;

public sealed class JobSubmission
{
    /// <summary>The job's id in the store ($JOB_ID, the kept tmp dir's name).</summary>
    public required uint Id { get; init; }
    public required JobPlan Plan { get; init; }
    /// <summary>The Lmakefile's config in force (the local backend's capacity is there).</summary>
    public required Config Config { get; init; }
    /// <summary>The source dirs outside the repo, which the shim reports by absolute name.</summary>
    public required OutsideSourceDirs OutsideSourceDirs { get; init; }
    /// <summary>Seconds still needed through this job to reach the asked targets (Engine/JobPressure.cs): the
    /// backends start the most pressing eligible job first.</summary>
    public double Pressure { get; init; }
}
