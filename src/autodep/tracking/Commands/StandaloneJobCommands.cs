// The in-job command answers of a runner that builds nothing (lautodep, and any JobSpec without a handler):
// deps are verified as they are on disk, every dep is up to date, codec tables are read and written directly.
using Lmake.Common.Checksums;

namespace Lmake.Autodep;

public sealed class StandaloneJobCommands : IJobCommandHandler
{
    public static StandaloneJobCommands Instance { get; } = new();

    /// <summary>ok and the checksum when the file exists, missing and none when not.</summary>
    public Task<IReadOnlyList<DepVerdict>> VerifyDeps(TrackedJob job, IReadOnlyList<string> files) => Task.Run(() =>
    {
        var verdicts = new DepVerdict[files.Count];
        for (int i = 0; i < files.Count; i++)
        {
            FileChecksum sum = FileChecksum.Of(Absolute(job, files[i]));
            verdicts[i] = new DepVerdict(sum.Exists ? "ok" : "missing", sum.ToString());
        }
        return (IReadOnlyList<DepVerdict>)verdicts;
    });

    public Task<bool> CheckDeps(TrackedJob job, IReadOnlyList<string> depsSoFar) => Task.FromResult(true);

    public Task<string> Encode(TrackedJob job, string table, string context, string value, int minLen) =>
        Task.Run(() => CodecTable.Encode(Absolute(job, table), context, value, minLen));

    public Task<string?> Decode(TrackedJob job, string table, string context, string code) =>
        Task.Run(() => CodecTable.Decode(Absolute(job, table), context, code));

    private static string Absolute(TrackedJob job, string name) => Path.Combine(job.Spec.RepoRoot, name);
}
