// What one execution of a job produced, once its accesses are sorted into deps and targets.
namespace Lmake.Server.Engine;

public sealed record JobRun(
    bool Ok,
    string? FailReason,            // null when Ok: "exit code 1", "unexpected write to x", ...
    IReadOnlyList<string> Notes,   // notes printed under the status line (two spaces)
    string Stderr,
    TimeSpan ExecTime,
    IReadOnlyList<DiscoveredDep> DiscoveredDeps,   // in first-access order, not counting static deps and targets
    IReadOnlyList<string> Targets,          // every target the job left (static, star, and declared by ltarget)
    bool Killed,
    bool MustRerun = false);                // lcheck_deps found a dep not up to date: the job was stopped

/// <summary>A dep the job read (or declared with ldepend), with the flags ldepend gave it.</summary>
public readonly record struct DiscoveredDep(string Name, Rules.DepFlags Flags);
