// The parts of `lmake` options (spec A7) the make algorithm, the backend and the summary look at.
using Lmake.Common.Commands;

namespace Lmake.Server.Engine;

public sealed record MakeOptions
{
    public bool KeepTmp { get; init; }
    public bool ForgetOldErrors { get; init; }
    public int? MaxRuns { get; init; }
    public int RetriesOnError { get; init; }
    /// <summary>-a: intermediate files are made to exist too, not only when something needs their content.</summary>
    public bool Archive { get; init; }
    /// <summary>-s: jobs may write sources.</summary>
    public bool SourceOk { get; init; }
    /// <summary>-I: incremental targets are removed before their job runs, as others are.</summary>
    public bool IgnoreIncremental { get; init; }
    /// <summary>-d: the summary's error tree follows essential deps only; -D: it shows no deps at all.</summary>
    public bool EssentialDepsOnly { get; init; }
    public bool NoDeps { get; init; }
    /// <summary>-q: only what went wrong is printed; -v: each job's status line says why it ran.</summary>
    public bool Quiet { get; init; }
    public bool Verbose { get; init; }

    public static MakeOptions From(LmakeOptions o) => new()
    {
        KeepTmp = o.KeepTmp,
        ForgetOldErrors = o.ForgetOldErrors,
        MaxRuns = o.MaxRuns,
        RetriesOnError = o.RetryOnError,
        Archive = o.Archive,
        SourceOk = o.SourceOk,
        IgnoreIncremental = o.IgnoreIncremental,
        EssentialDepsOnly = o.EssentialDepsOnly,
        NoDeps = o.NoDeps,
        Quiet = o.Quiet,
        Verbose = o.Verbose,
    };
}
