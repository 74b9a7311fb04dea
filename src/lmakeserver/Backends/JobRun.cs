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
    JobRunFacts? Facts = null)              // null: it did not run (refused by the backend)
{
    /// <summary>Sources the job was allowed to write (source_ok, lmake -s): what they hold now is known, not new.</summary>
    public IReadOnlyList<string> WrittenSources { get; init; } = [];

    /// <summary>Files it wrote that it may not (targets of other jobs, or of none): polluted, left to their own
    /// job to remake, or removed when nothing makes them.</summary>
    public IReadOnlyList<string> UnexpectedWrites { get; init; } = [];

    /// <summary>Files it wrote that are not its targets and that it removed (or renamed away) before it ended: no
    /// pollution left, but what another job had made there is gone.</summary>
    public IReadOnlyList<string> RemovedWrites { get; init; } = [];

    /// <summary>Dirs the job made (mkdir, auto_mkdir): what lmake knew of them before the run is stale.</summary>
    public IReadOnlyList<string> MadeDirs { get; init; } = [];

    /// <summary>Files matching a star target of the job that were there before it looked at them (made by hand,
    /// or left by something else): the engine moves them away and runs the job again (check_deps in lmake_module.md).</summary>
    public IReadOnlyList<string> PreexistingStarTargets { get; init; } = [];

    /// <summary>Not run but found in a cache (its files put in place): hit_done, hit_steady, and hit_rerun first when
    /// deps had to be made before the cached run could be told to match.</summary>
    public CacheHit FromCache { get; init; }
}

public enum CacheHit { None, Direct, AfterMakingDeps }

/// <summary>A dep the job read (or declared with ldepend), with the flags ldepend gave it and what it looked at
/// (None: only declared, ldepend without -R: its content changing is no reason to rerun, its errors are).</summary>
/// <param name="AlsoWritten">the job wrote it afterwards (not being its target): what it read is what was there
/// before the job ran</param>
/// <param name="SeenAbsent">the job found no file there: one made since (even before the engine looks) changed it
/// (a dep named by ldepend too: it was looked at when named, ldepend -v then waits for it to be made)</param>
/// <param name="SeenMtimeNs">the file's date when the job first looked at it (0: unknown): another date at the end
/// means the file was written after the job saw it (its job was running), whatever its content now</param>
/// <param name="Parallel">declared by the same ldepend call as the dep before it: the two are made together, a critical
/// one that changed leaves out only the deps after its whole call (critical_deps.md)</param>
public readonly record struct DiscoveredDep(string Name, Rules.DepFlags Flags, Rules.DepAccesses Accesses = Rules.DepAccesses.All,
    bool AlsoWritten = false, bool SeenAbsent = false, long SeenMtimeNs = 0, bool Parallel = false);

/// <summary>What the backend saw of one run beyond its accesses (JobInfo keeps it for `lshow -i`).</summary>
public sealed record JobRunFacts(DateTime Start, DateTime End, int ExitCode, TimeSpan Cpu, long MaxRssBytes,
    string TmpDir, bool TmpKept, string Host, string Stdout)
{
    /// <summary>Run by a remote backend on one of its nodes (console.host_len shows the host), not here.</summary>
    public bool RanRemotely { get; init; }
}
