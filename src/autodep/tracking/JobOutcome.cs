// What a tracked job did: how it ended, what it printed, what it touched, what it cost.
namespace Lmake.Autodep;

/// <param name="ExitCode">The exit status, or 128+signal when a signal ended it.</param>
/// <param name="TimedOut">It ran past JobSpec.Timeout and was killed.</param>
/// <param name="Killed">It was killed (by TrackedJob.Kill or the timeout).</param>
/// <param name="Accesses">One per name, in first-access order.</param>
/// <param name="Cpu">User + system time of the job and the children it waited for.</param>
/// <param name="MaxRssBytes">The largest resident set among them.</param>
public sealed record JobOutcome(int ExitCode, bool TimedOut, bool Killed, string Stdout, string Stderr,
    IReadOnlyList<Access> Accesses, TimeSpan Wall, TimeSpan Cpu, long MaxRssBytes)
{
    /// <summary>The regexprs given to ldepend -X / ltarget -X, in declaration order (their flags are already
    /// applied to the matching Accesses; the engine needs them for the files the job did not touch).</summary>
    public IReadOnlyList<DeclaredPattern> Patterns { get; init; } = [];
}
