// What one execution of a job produced, as a backend reports it to the engine: its accesses sorted into deps
// and targets (AccessSorter), how it ended, and what the backend saw of it (Facts).
namespace Lmake.Server.Backends;

public sealed record JobRun(
    bool Ok,
    string? FailReason,            // null when Ok: "exit code 1", "unexpected write to x", ...
    IReadOnlyList<string> Notes,   // notes printed under the status line (two spaces)
    string Stderr,
    TimeSpan ExecTime,
    IReadOnlyList<DiscoveredDep> DiscoveredDeps,   // in first-access order, not counting static deps and targets
    IReadOnlyList<string> Targets,          // every target the job left (static, star, and declared by ltarget)
    bool Killed,
    bool MustRerun = false,                 // lcheck_deps found a dep not up to date: the job was stopped
    JobRunFacts? Facts = null);             // null: it did not run (refused by the backend)

/// <summary>A dep the job read (or declared with ldepend), with the flags ldepend gave it and what it looked at.</summary>
public readonly record struct DiscoveredDep(string Name, Rules.DepFlags Flags, Rules.DepAccesses Accesses = Rules.DepAccesses.All);

/// <summary>What the backend saw of one run beyond its accesses (JobInfo keeps it for `lshow -i`).</summary>
public sealed record JobRunFacts(DateTime Start, DateTime End, int ExitCode, TimeSpan Cpu, long MaxRssBytes,
    string TmpDir, bool TmpKept, string Host, string Stdout);
