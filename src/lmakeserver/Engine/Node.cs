// A file the engine knows of: a source, a file some job makes, or a name that was only probed.
using Lmake.Common.Checksums;

namespace Lmake.Server.Engine;

public enum NodeKind : byte
{
    Unknown = 0,   // not resolved yet under the current rules
    Source,        // listed in the manifest, or below a source dir
    Generated,     // a job can make it (Producer)
    NoRule,        // nothing can make it: a dep on it means "this file must not exist" (or it is dangling)
    CodecEntry,    // an association of a codec table (CodecNames): its checksum comes from the table, not the disk
}

public sealed class Node : MemoSlot
{
    public Node(uint id, string name)
    {
        Id = id;
        Name = name;
        IsCodec = name.StartsWith(CodecNames.Prefix, StringComparison.Ordinal);
    }

    /// <summary>A codec pseudo-node (CodecNames): never looked for on disk.</summary>
    public readonly bool IsCodec;

    public uint Id { get; }

    /// <summary>Repo-relative, or absolute for files in source dirs outside the repo.</summary>
    public string Name { get; }

    public NodeKind Kind;

    /// <summary>The rules generation Kind/Producer were resolved under; a new Lmakefile re-resolves.</summary>
    public int ResolvedGeneration = -1;

    public Job? Producer;

    /// <summary>When the rules of highest prio only may make it (star or optional targets): the jobs to try in
    /// order, Producer first; a job that ran and did not make it passes to the next (A3). Null: Producer surely makes it.</summary>
    public Job[]? Candidates
    {
        get => _rare?.Candidates;
        set { if (value != null || _rare != null) Rarely.Candidates = value; }
    }

    /// <summary>Set when two rules of the same prio both make it (A3 `multi`): it is then an error.</summary>
    public string? Multi
    {
        get => _rare?.Multi;
        set { if (value != null || _rare != null) Rarely.Multi = value; }
    }

    /// <summary>Reached through static deps past max_dep_depth, or longer than path_max there: an infinite chain of
    /// rules. It lets the rules above it apply, so that the job that needs it fails saying so (rather than "no rule").</summary>
    public bool TooDeep
    {
        get => _rare?.TooDeep ?? false;
        set { if (value || _rare != null) Rarely.TooDeep = value; }
    }

    /// <summary>Set when a parent directory is itself a file lmake knows how to make (A3 uphill).</summary>
    public string? Uphill
    {
        get => _rare?.Uphill;
        set { if (value != null || _rare != null) Rarely.Uphill = value; }
    }

    /// <summary>What the file held when last looked at, and its modification date then: the checksum is
    /// recomputed only when the date moved (A4's date shortcut).</summary>
    public FileChecksum Checksum
    {
        get => FileChecksum.FromKindByte(_checksumHash, _checksumKind);
        set => (_checksumHash, _checksumKind) = (value.Hash, value.KindByte);
    }
    public long Date;
    public bool Known;   // Checksum/Date were computed at least once (else a source is `new`)

    /// <summary>The request epoch in which the disk was last looked at: within one request a file is
    /// stat'ed once (a header is a dep of hundreds of jobs), unless a job of the request wrote it.</summary>
    public int CheckedEpoch;

    /// <summary>For DirectoryWatch: the node's directory, and the event sequence it was last stat'ed at (0 or less: it
    /// must be stat'ed).</summary>
    internal DirectoryWatch.Dir? WatchDir;
    internal long WatchSeq;

    /// <summary>The job that last wrote this file and the checksum it left: a different content on disk
    /// is a hand edit, to be quarantined before that job runs again.</summary>
    public uint WrittenBy;   // job id, 0: none
    public FileChecksum WrittenChecksum
    {
        get => FileChecksum.FromKindByte(_writtenHash, _writtenKind);
        set => (_writtenHash, _writtenKind) = (value.Hash, value.KindByte);
    }

    // the two checksums kept as their hashes and a byte each (FileChecksum.KindByte), beside the node's
    // other bytes: a FileChecksum field is padded to 16 bytes, and a node is 128 bytes this way rather than 144 (issue 18)
    private ulong _checksumHash, _writtenHash;
    private byte _checksumKind, _writtenKind;   // 0: FileChecksum.None

    /// <summary>Found edited while frozen (lmark -f, `changed_frozen`): WrittenBy 0 with the content then seen. That
    /// content is taken as the file's, as a source's would be: it is no job's output any more (its job runs again
    /// once the file is thawed, and what it makes is new: done, not steady), and no hand edit to protect either
    /// (the job replaces it without quarantine). Edited again after that, it is a hand edit as any other.</summary>
    public bool HeldWhileFrozen => WrittenBy == 0 && WrittenChecksum != FileChecksum.None;

    /// <summary>A job that wrote this file without the right to (not its target), and what it left: the file's
    /// own job removes it without a word before it runs, and when nothing makes it, it is unlinked. Kept in
    /// memory only: after a restart such a file is taken for a hand edit (quarantined), the safe side.</summary>
    public Job? PollutedBy
    {
        get => _rare?.PollutedBy;
        set { if (value != null || _rare != null) Rarely.PollutedBy = value; }
    }

    public FileChecksum PollutedChecksum
    {
        get => _rare?.PollutedChecksum ?? FileChecksum.None;
        set { if (value != FileChecksum.None || _rare != null) Rarely.PollutedChecksum = value; }
    }

    // what few nodes have (several candidate jobs, a multi conflict, too deep a chain, a file uphill, a pollution): one
    // object for those, made when one is first set, and a reference on every node (issue 18: ~40 B less a node)
    private sealed class RareFacts
    {
        public Job[]? Candidates;
        public string? Multi;
        public bool TooDeep;
        public string? Uphill;
        public Job? PollutedBy;
        public FileChecksum PollutedChecksum = FileChecksum.None;
    }
    private RareFacts? _rare;
    private RareFacts Rarely => _rare ??= new RareFacts();

    public override string ToString() => Name;
}
