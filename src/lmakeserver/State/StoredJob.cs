// A job as the store records it, read without building a Job (no rule evaluation): for the queries that scan
// every job (lshow -D -b, lcollect, lmake_dump).
using Lmake.Common.Checksums;

namespace Lmake.Server.State;

public readonly record struct StoredDep(uint Node, bool IsStatic, FileChecksum Seen);

public sealed record StoredJob(uint Id, string Key, JobStatus Status, ulong Signature, TimeSpan ExecTime, DateTime EndDate,
    IReadOnlyList<StoredDep> Deps, IReadOnlyList<uint> Targets)
{
    public string Rule => GraphStore.SplitJobKey(Key).Rule;
    public string Name => GraphStore.SplitJobKey(Key).Name;
}
