// What the in-job commands need from the process that runs the job (the engine, or lautodep): the calls that
// cannot be answered from the job's own accesses. Called on the job reactor thread: return a Task at once
// and do the work elsewhere (the job waits for the answer, the reactor must not).
namespace Lmake.Autodep;

public interface IJobCommandHandler
{
    /// <summary>ldepend -v: make these deps up to date, then one verdict per file, in the same order. The files
    /// are already recorded as declared deps of the job (repo-relative, or absolute outside the repo).</summary>
    Task<IReadOnlyList<DepVerdict>> VerifyDeps(TrackedJob job, IReadOnlyList<string> files);

    /// <summary>lcheck_deps: true if every dep seen so far is up to date. On false the job is told so (its
    /// lcheck_deps exits 1 at once) and the handler is expected to stop it and run it again later.</summary>
    Task<bool> CheckDeps(TrackedJob job, IReadOnlyList<string> depsSoFar);

    /// <summary>lencode: the code of value in context of the codec table (repo-relative or absolute path of a
    /// file or a directory; see CodecTable), creating the entry when new. minLen >= 1.</summary>
    Task<string> Encode(TrackedJob job, string table, string context, string value, int minLen);

    /// <summary>ldecode: the value of code in context, or null when the table has no such entry.</summary>
    Task<string?> Decode(TrackedJob job, string table, string context, string code);
}

/// <param name="Status">"ok", "missing" (no such file, or not buildable), "error" (its job failed)...</param>
/// <param name="Checksum">lmake's checksum form, as xxhsum prints it ("none" when missing).</param>
public readonly record struct DepVerdict(string Status, string Checksum);
