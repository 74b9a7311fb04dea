// The engine's nodes and jobs as the store records them (State/GraphStore speaks in records only): loading a
// record into a Node or a Job, and saving one back. The store keeps the write order that makes a kill safe.
using Lmake.Server.State;

namespace Lmake.Server.Engine;

internal static class StoredState
{
    /// <summary>Above this many deps or targets, a job's entries are built on the heap rather than the stack.</summary>
    private const int OnStack = 128;

    public static void Load(GraphStore store, Node node)
    {
        if (!store.TryReadNode(node.Id, out NodeRecord r)) return;   // transient (read-only store)
        node.Known = r.Known != 0;
        node.Checksum = r.Checksum.ToChecksum();
        node.Date = r.Date;
        node.WrittenChecksum = r.Written.ToChecksum();
        node.WrittenBy = r.WrittenBy;
    }

    public static void Save(GraphStore store, Node node)
    {
        if (!store.Writable) return;
        store.WriteNode(node.Id, new NodeRecord
        {
            Checksum = StoredChecksum.From(node.Checksum),
            Date = node.Date,
            Written = StoredChecksum.From(node.WrittenChecksum),
            WrittenBy = node.WrittenBy,
            Known = node.Known ? (byte)1 : (byte)0,
        });
    }

    public static void Load(GraphStore store, Job job, Func<uint, Node> nodeById)
    {
        if (!store.TryReadJob(job.Id, out JobRecord r)) return;   // transient (read-only store)
        job.Status = (JobStatus)r.Status;
        if (job.Status == JobStatus.Never) return;
        job.RanWithSignature = r.Signature;
        job.ExecTime = TimeSpan.FromTicks(r.ExecTicks);
        job.EndDate = new DateTime(r.EndTicks);
        job.RunFlags = (JobRunFlags)r.RunFlags;
        job.Deps = r.DepsCount == 0 ? [] : new DepRecord[r.DepsCount];
        for (uint i = 0; i < r.DepsCount; i++)
        {
            DepEntry d = store.DepAt(r.DepsStart + i);
            job.Deps[i] = new DepRecord(nodeById(d.Node), d.IsStatic != 0, d.Seen.ToChecksum(), (Rules.DepFlags)(d.Flags | d.FlagsHigh << 8),
                Rules.DepAccesses.All & ~(Rules.DepAccesses)d.NoAccesses);
        }
        job.Targets = r.TargetsCount == 0 ? [] : new Node[r.TargetsCount];
        for (uint i = 0; i < r.TargetsCount; i++) job.Targets[i] = nodeById(store.TargetAt(r.TargetsStart + i).Node);
    }

    public static void Save(GraphStore store, Job job)
    {
        if (!store.Writable) return;
        Span<DepEntry> deps = job.Deps.Length <= OnStack ? stackalloc DepEntry[job.Deps.Length] : new DepEntry[job.Deps.Length];
        for (int i = 0; i < deps.Length; i++)
        {
            DepRecord d = job.Deps[i];
            deps[i] = new DepEntry { Node = d.NodeId, Seen = StoredChecksum.From(d.Seen), IsStatic = d.IsStatic ? (byte)1 : (byte)0, Flags = (byte)d.Flags,
                FlagsHigh = (byte)((int)d.Flags >> 8),
                NoAccesses = (byte)(Rules.DepAccesses.All & ~d.Accesses) };
        }
        Span<TargetEntry> targets = job.Targets.Length <= OnStack ? stackalloc TargetEntry[job.Targets.Length] : new TargetEntry[job.Targets.Length];
        for (int i = 0; i < targets.Length; i++) targets[i] = new TargetEntry { Node = job.Targets[i].Id };
        store.WriteJob(job.Id, new JobRecord
        {
            Signature = job.RanWithSignature,
            ExecTicks = job.ExecTime.Ticks,
            EndTicks = job.EndDate.Ticks,
            Status = (byte)job.Status,
            RunFlags = (byte)job.RunFlags,
        }, deps, targets);
    }
}
