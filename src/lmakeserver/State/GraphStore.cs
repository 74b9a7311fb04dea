// The graph's state on disk (LMAKE/store/, see LmakeDir): memory-mapped, so a server start maps it instead of parsing,
// and a server killed at any instant leaves it consistent.
// Crash safety: records are written "invalidate, update, validate": a job's status is set to Never before
// its other fields change and to its real value last, so a torn record only makes the job run again; a
// node's Known flag is cleared first and set last the same way. New deps and targets are appended before
// the job record points at them.
// The store speaks in its records only: the engine maps its nodes and jobs to them (StoredState, on its side).
using System.Runtime.InteropServices;
using Lmake.Common.Checksums;
using Lmake.Store;

namespace Lmake.Server.State;

[StructLayout(LayoutKind.Sequential, Pack = 4)]
public struct StoredChecksum
{
    public ulong Hash;
    public byte Kind;
    public byte Empty;

    public static StoredChecksum From(FileChecksum c) => new() { Hash = c.Hash, Kind = (byte)c.Kind, Empty = c.IsEmpty ? (byte)1 : (byte)0 };
    public readonly FileChecksum ToChecksum() => new((FileKind)Kind, Hash, Empty != 0);
}

[StructLayout(LayoutKind.Sequential, Pack = 4)]
public struct NodeRecord
{
    public StoredChecksum Checksum;
    public long Date;
    public StoredChecksum Written;
    public uint WrittenBy;   // job id, 0: none
    public byte Known;
}

[StructLayout(LayoutKind.Sequential, Pack = 4)]
public struct JobRecord
{
    public ulong Signature;
    public uint DepsStart, DepsCount;
    public uint TargetsStart, TargetsCount;
    public long ExecTicks;
    public long EndTicks;
    public byte Status;      // JobStatus; written last
    public byte RunFlags;    // JobRunFlags of its last run; in what was padding (older stores read 0)
}

[StructLayout(LayoutKind.Sequential, Pack = 4)]
public struct DepEntry
{
    public uint Node;
    public StoredChecksum Seen;
    public byte IsStatic;
    public byte Flags;       // Rules.DepFlags (low 8 bits); it sits in what was padding, so older stores read 0
    public byte NoAccesses;  // Rules.DepAccesses the job did NOT make (inverted so that older stores, 0, read All)
    public byte FlagsHigh;   // Rules.DepFlags, bits 8 to 15 (in what was the last byte of padding)
}

[StructLayout(LayoutKind.Sequential, Pack = 4)]
public struct TargetEntry
{
    public uint Node;
}

public sealed class GraphStore : IDisposable
{
    private readonly PrefixTree _nodeNames;
    private readonly Vector<NodeRecord> _nodes;
    private readonly PrefixTree _jobNames;
    private readonly Vector<JobRecord> _jobs;
    private readonly Vector<DepEntry> _deps;
    private readonly Vector<TargetEntry> _targets;

    /// <summary>False: opened read-only (lshow on a read-only repo, lmake_dump): names not in the store get
    /// transient ids past the stored ones, with empty records, and nothing is ever written.</summary>
    public bool Writable { get; }
    private uint _transientIds;

    private readonly string _dir;

    /// <summary>LMAKE/store/: where the files named in its messages are.</summary>
    public string Dir => _dir;

    /// <summary>A read found a record pointing nowhere: the store is not sealed at the end (StoreSeal).</summary>
    public bool Damaged { get; private set; }

    /// <param name="verify">Check every page sum whatever the seal says (lmake_repair --check); a writer checks them
    /// anyway when the last stop was unclean (no seal).</param>
    public GraphStore(string lmakeDir, bool writable = true, bool verify = false)
    {
        Writable = writable;
        string dir = _dir = LmakeDir.StoreIn(lmakeDir);
        if (writable) Directory.CreateDirectory(dir);
        try
        {
            // what a clean stop left must still be there (a store damaged while no server ran is refused)
            bool sealedStore = StoreSeal.Check(dir);
            if (writable) StoreSeal.Break(dir);
            // after an unclean stop (a kill, a crash) the page sums stand in for the seal: the pages no write touched
            // since the last checkpoint must hold what they held then (PageSums); the name indexes, derived, are
            // rebuilt from the checked names rather than checked. A reader (a server runs, it writes) checks nothing.
            bool unclean = writable && !sealedStore;
            _nodeNames = PrefixTree.Open(Path.Combine(dir, "node_names"), writable, pageSums: true, rebuildIndex: unclean);
            _nodes = Vector<NodeRecord>.Open(Path.Combine(dir, "nodes"), writable, pageSums: true);
            _jobNames = PrefixTree.Open(Path.Combine(dir, "job_names"), writable, pageSums: true, rebuildIndex: unclean);
            _jobs = Vector<JobRecord>.Open(Path.Combine(dir, "jobs"), writable, pageSums: true);
            _deps = Vector<DepEntry>.Open(Path.Combine(dir, "deps"), writable, pageSums: true);
            _targets = Vector<TargetEntry>.Open(Path.Combine(dir, "targets"), writable, pageSums: true);
            if (unclean)
                PagesChecked = _nodeNames.PagesChecked + _jobNames.PagesChecked
                    + _nodes.VerifyPages() + _jobs.VerifyPages() + _deps.VerifyPages() + _targets.VerifyPages();
            else if (verify) PagesChecked = VerifyPages();
        }
        catch (StoreException e)
        {
            // a corrupt store, or one written by another version of lmake: say what the user can do
            throw new StoreException(e.FilePath, e.Message.StartsWith(e.FilePath, StringComparison.Ordinal) && e.FilePath.Length > 0
                ? e.Message[(e.FilePath.Length + 2)..] + "\n  consider : lmake_repair (rebuilds the store from the job records, keeping what is still good)" + $"\n  consider : rm -rf {lmakeDir} (a full clean: the next lmake rebuilds what it must)"
                : e.Message);
        }
    }

    /// <summary>Pages whose sum was checked at open (0 after a clean stop: the seal vouched for them).</summary>
    public ulong PagesChecked { get; }

    private ulong VerifyPages() =>
        _nodeNames.VerifyPages() + _nodes.VerifyPages() + _jobNames.VerifyPages() + _jobs.VerifyPages() + _deps.VerifyPages() + _targets.VerifyPages();

    /// <summary>With no write in progress (the end of a request, a clean stop): the page sums of what was written
    /// since the last checkpoint (PageSums), so that a kill after it finds the rest of the store checkable.</summary>
    public void Checkpoint()
    {
        if (!Writable) return;
        _nodeNames.Checkpoint();
        _nodes.Checkpoint();
        _jobNames.Checkpoint();
        _jobs.Checkpoint();
        _deps.Checkpoint();
        _targets.Checkpoint();
    }

    /// <summary>The id of a node name, created when new (its record zeroed).</summary>
    public uint NodeId(string name)
    {
        if (!Writable) return _nodeNames.TryGet(name, out uint known) ? known : TransientId();
        uint id = _nodeNames.Insert(name);
        while (_nodes.Count < id) _nodes.Append(default);
        return id;
    }

    public string NodeName(uint id)
    {
        try { return _nodeNames.NameOf(id); }
        catch (Exception e) when (e is ArgumentOutOfRangeException or IndexOutOfRangeException) { throw DamageFound("node_names", e.Message); }
    }

    /// <summary>A record read from disk points nowhere: the store is damaged (never sealed again as it is).</summary>
    private StoreException DamageFound(string file, string what)
    {
        Damaged = true;
        return new StoreException(Path.Combine(_dir, file), $"damaged ({what})\n  consider : lmake_repair (rebuilds the store from the job records)");
    }

    /// <summary>At a clean stop, nothing written after: the files are closed and their seal written (unless a read
    /// found damage: the next server must not take the store for sound).</summary>
    public void Seal()
    {
        if (!Writable) return;
        if (!Damaged) Checkpoint();
        Dispose();
        if (!Damaged) StoreSeal.Write(_dir);
    }

    /// <summary>Ids from here up are made up by a read-only store for names it does not have; below, the store's own.</summary>
    public const uint FirstTransientId = 0x8000_0000u;

    private uint TransientId() => FirstTransientId + ++_transientIds;

    public uint NodeCount => _nodeNames.Count;

    /// <summary>The id of a stored name, without adding it.</summary>
    public bool TryNodeId(string name, out uint id) => _nodeNames.TryGet(name, out id);
    public uint JobCount => Math.Min(_jobNames.Count, _jobs.Count);

    /// <summary>The record of a stored node (an empty one for a transient id).</summary>
    public NodeRecord NodeRecordOf(uint id) => id <= _nodes.Count ? _nodes[id] : default;

    /// <summary>The key under which a job is stored (job_names): RULE/JOBNAME.</summary>
    public static string JobKeyOf(string rule, string jobName) => rule + "/" + jobName;

    /// <summary>The rule and job names of a key (JobKeyOf); the whole key as the job name when it has no '/'.</summary>
    public static (string Rule, string Name) SplitJobKey(string key)
    {
        int slash = key.IndexOf('/');
        return (key[..Math.Max(0, slash)], key[(slash + 1)..]);
    }

    /// <summary>RULE/JOBNAME of a stored job.</summary>
    public string JobKey(uint id)
    {
        try { return _jobNames.NameOf(id); }
        catch (Exception e) when (e is ArgumentOutOfRangeException or IndexOutOfRangeException) { throw DamageFound("job_names", e.Message); }
    }

    /// <summary>A job as stored, without building a Job (StoredJob).</summary>
    public StoredJob ReadJob(uint id)
    {
        string key = JobKey(id);
        JobRecord r = id <= _jobs.Count ? _jobs[id] : default;
        CheckSpans(r);
        var deps = new StoredDep[r.Status == 0 ? 0 : r.DepsCount];
        for (uint i = 0; i < deps.Length; i++)
        {
            DepEntry d = _deps[r.DepsStart + i];
            deps[i] = new StoredDep(d.Node, d.IsStatic != 0, d.Seen.ToChecksum());
        }
        var targets = new uint[r.Status == 0 ? 0 : r.TargetsCount];
        for (uint i = 0; i < targets.Length; i++) targets[i] = _targets[r.TargetsStart + i].Node;
        return new StoredJob(id, key, (JobStatus)r.Status, r.Signature, TimeSpan.FromTicks(r.ExecTicks), new DateTime(r.EndTicks), deps, targets);
    }

    public uint JobId(string key)
    {
        if (!Writable) return _jobNames.TryGet(key, out uint known) ? known : TransientId();
        uint id = _jobNames.Insert(key);
        while (_jobs.Count < id) _jobs.Append(default);
        return id;
    }

    /// <summary>The record of a stored node; false for a transient id (read-only store), whose node keeps what
    /// it has.</summary>
    public bool TryReadNode(uint id, out NodeRecord record)
    {
        if (id > _nodes.Count) { record = default; return false; }
        record = _nodes[id];
        return true;
    }

    /// <summary>Writes a node's record: Known cleared first and set last (see the head of this file).</summary>
    public void WriteNode(uint id, in NodeRecord value)
    {
        if (!Writable) return;
        ref NodeRecord r = ref _nodes.ForWrite(id);
        Volatile.Write(ref r.Known, (byte)0);
        r.Checksum = value.Checksum;
        r.Date = value.Date;
        r.Written = value.Written;
        r.WrittenBy = value.WrittenBy;
        Volatile.Write(ref r.Known, value.Known);
    }

    /// <summary>The record of a stored job; false for a transient id (read-only store). Its deps and targets are
    /// DepAt/TargetAt(Start + i).</summary>
    public bool TryReadJob(uint id, out JobRecord record)
    {
        if (id > _jobs.Count) { record = default; return false; }
        record = _jobs[id];
        CheckSpans(record);
        return true;
    }

    /// <summary>The deps and targets a job record points at are in their files (a damaged record points past them).</summary>
    private void CheckSpans(in JobRecord r)
    {
        if (r.Status == 0) return;
        if (r.DepsCount > 0 && ((ulong)r.DepsStart == 0 || (ulong)r.DepsStart + r.DepsCount - 1 > _deps.Count))
            throw DamageFound("jobs", $"a job's deps {r.DepsStart}+{r.DepsCount} are past the {_deps.Count} stored");
        if (r.TargetsCount > 0 && ((ulong)r.TargetsStart == 0 || (ulong)r.TargetsStart + r.TargetsCount - 1 > _targets.Count))
            throw DamageFound("jobs", $"a job's targets {r.TargetsStart}+{r.TargetsCount} are past the {_targets.Count} stored");
    }

    public DepEntry DepAt(uint index) => index - 1 < _deps.Count ? _deps[index] : throw DamageFound("deps", $"no dep at {index}");
    public TargetEntry TargetAt(uint index) => index - 1 < _targets.Count ? _targets[index] : throw DamageFound("targets", $"no target at {index}");

    /// <summary>Writes a job's record: its deps and targets appended first, then the record, its status set to
    /// Never before its other fields change and to <paramref name="header"/>'s last (see the head of this file).
    /// The header's starts and counts are those of the spans.</summary>
    public void WriteJob(uint id, in JobRecord header, ReadOnlySpan<DepEntry> deps, ReadOnlySpan<TargetEntry> targets)
    {
        if (!Writable) return;
        uint depsStart = _deps.Count + 1;
        foreach (DepEntry d in deps) _deps.Append(d);
        uint targetsStart = _targets.Count + 1;
        foreach (TargetEntry t in targets) _targets.Append(t);
        ref JobRecord r = ref _jobs.ForWrite(id);
        Volatile.Write(ref r.Status, (byte)JobStatus.Never);
        r.Signature = header.Signature;
        r.DepsStart = depsStart;
        r.DepsCount = (uint)deps.Length;
        r.TargetsStart = targetsStart;
        r.TargetsCount = (uint)targets.Length;
        r.ExecTicks = header.ExecTicks;
        r.EndTicks = header.EndTicks;
        r.RunFlags = header.RunFlags;
        Volatile.Write(ref r.Status, header.Status);
    }

    public void Flush()
    {
        if (!Writable) return;
        _nodes.Flush();
        _jobs.Flush();
        _deps.Flush();
        _targets.Flush();
    }

    public void Dispose()
    {
        _nodeNames.Dispose();
        _nodes.Dispose();
        _jobNames.Dispose();
        _jobs.Dispose();
        _deps.Dispose();
        _targets.Dispose();
    }
}
