// What `lmake [options] targets...` asks for, once parsed (spec A7). The engine reads this; null numbers
// mean "the default of the config or the rule".
namespace Lmake.Common.Commands;

public sealed record LmakeOptions
{
    /// <summary>The targets as typed, relative to the client's cwd.</summary>
    public required IReadOnlyList<string> Targets { get; init; }
    /// <summary>-j N: at most N jobs at once; 0 means no limit; null: as many as the local backend's cpus.</summary>
    public int? Jobs { get; init; }
    /// <summary>-e: jobs in error from an earlier run are run again instead of being reported as errors.</summary>
    public bool ForgetOldErrors { get; init; }
    /// <summary>-r N: a job that fails is retried up to N times.</summary>
    public int RetryOnError { get; init; }
    /// <summary>-a: every intermediate file is made to exist, not only the asked targets.</summary>
    public bool Archive { get; init; }
    /// <summary>-s: jobs may overwrite source files.</summary>
    public bool SourceOk { get; init; }
    /// <summary>-t: keep the jobs' tmp dirs.</summary>
    public bool KeepTmp { get; init; }
    /// <summary>-o: show the live stdout of the jobs making the asked targets.</summary>
    public bool LiveOut { get; init; }
    /// <summary>-l: run every job on the local backend.</summary>
    public bool Local { get; init; }
    /// <summary>-m N: a job is run at most N times in a row (reruns included).</summary>
    public int? MaxRuns { get; init; }
    /// <summary>-M N: a job is submitted at most N times in a row.</summary>
    public int? MaxSubmits { get; init; }
    /// <summary>-I: incremental targets are removed before their job runs.</summary>
    public bool IgnoreIncremental { get; init; }
    /// <summary>-d: the summary shows only the essential deps of the jobs in error.</summary>
    public bool EssentialDepsOnly { get; init; }
    /// <summary>-D: the summary shows no deps of the jobs in error.</summary>
    public bool NoDeps { get; init; }
    /// <summary>-q: fewer lines (no status line of successful jobs).</summary>
    public bool Quiet { get; init; }
    /// <summary>-v: more lines (the reason of each job).</summary>
    public bool Verbose { get; init; }
    /// <summary>-S: the client asks for a server of its own: it waits for the running one to be idle.</summary>
    public bool FreshServer { get; init; }
    /// <summary>--plain: a terminal gets what a pipe gets (no colours, no progress line, no title).</summary>
    public bool Plain { get; init; }
    /// <summary>-c: how jobs use the shared cache.</summary>
    public CacheMethod CacheMethod { get; init; } = CacheMethod.Plain;
    /// <summary>-b: options for the jobs' backends, split on white space (slurm: srun-like options; local: none).</summary>
    public IReadOnlyList<string> BackendArgs { get; init; } = [];
    /// <summary>-E: the estimated time of the whole command, for scheduling (the ETA the backends see).</summary>
    public TimeSpan? Ete { get; init; }
    /// <summary>-N: the nice value of every job (null: lmake.config.nice).</summary>
    public int? Nice { get; init; }
}
