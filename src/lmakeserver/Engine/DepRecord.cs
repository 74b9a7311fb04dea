// A dep as a job last saw it: the job reruns when the dep's content differs now, in what the job looked at of it.
//
// Every job keeps one per file it read (751,000 of them at 100,000 files): 16 bytes each and no reference, so that the
// collector never walks a job's deps (issue 18: 32 bytes with a reference to the node and a FileChecksum padded to 16).
// The node is its store id (Graph.NodeById); the checksum is split into its hash and a byte beside the flags.
using System.Runtime.InteropServices;
using Lmake.Common.Checksums;
using Lmake.Server.Rules;

namespace Lmake.Server.Engine;

[StructLayout(LayoutKind.Sequential, Pack = 4)]
public readonly struct DepRecord
{
    private readonly ulong _seenHash;
    /// <summary>The dep's node: its id in the store (<see cref="Graph.NodeById"/>).</summary>
    public readonly uint NodeId;
    private readonly ushort _flags;   // DepFlags fit in 16 bits (the store keeps them in two bytes)
    /// <summary>What the job looked at of it: a change it cannot see reruns nothing.</summary>
    public readonly DepAccesses Accesses;
    private readonly byte _bits;   // bit 0: static, bits 1-7: the seen checksum's FileChecksum.KindByte

    public DepRecord(Node node, bool isStatic, FileChecksum seen, DepFlags flags = DepFlags.None, DepAccesses accesses = DepAccesses.All)
    {
        _seenHash = seen.Hash;
        NodeId = node.Id;
        _flags = checked((ushort)flags);
        Accesses = accesses;
        _bits = (byte)((isStatic ? 1 : 0) | seen.KindByte << 1);
    }

    /// <summary>Declared by its rule (made before the job runs), not discovered by the run.</summary>
    public bool IsStatic => (_bits & 1) != 0;

    /// <summary>What the file held when the job read it.</summary>
    public FileChecksum Seen => FileChecksum.FromKindByte(_seenHash, (byte)(_bits >> 1));

    public DepFlags Flags => (DepFlags)_flags;
}
