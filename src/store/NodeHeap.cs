// The node file of a PrefixTree: one record per path component, appended, never moved nor changed.
using System.Runtime.CompilerServices;

namespace Lmake.Store;

/// <summary>
/// Nodes stored back to back after the header, each 4-byte aligned:
/// <c>u32 parent ref (0: top level) | u32 name id (0: not a name, yet) | length as LEB128 | component bytes |
/// padding to 4</c>.
/// A node's ref is its offset / 4 (so refs address 16 GiB and 0 is never a node). A parent is always
/// written before its children, so a parent's ref is smaller than its child's: walking up ends.
/// Once committed, a node changes only by its name id going from 0 to its id (one aligned store, done
/// after the id file committed that id): a nonzero name id is always right.
/// </summary>
internal sealed unsafe class NodeHeap : IDisposable
{
    public const uint FormatVersion = 2;
    public static readonly uint Kind = MappedFile.Tag("NAME");
    public const uint FirstRef = MappedFile.HeaderSize / 4;

    public readonly MappedFile File;

    public NodeHeap(MappedFile file) => File = file;

    public ulong Used => File.Used;

    /// <summary>Bytes a node with a component of `length` bytes takes.</summary>
    public static uint NodeSize(int length)
    {
        int lengthBytes = length < 0x80 ? 1 : length < 0x4000 ? 2 : length < 0x200000 ? 3 : 4;
        return (uint)(8 + lengthBytes + length + 3) & ~3u;
    }

    /// <summary>Reads a committed node; throws a StoreException naming the file when it is out of bounds.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ReadOnlySpan<byte> Read(uint nodeRef, out uint parent)
    {
        ulong offset = (ulong)nodeRef * 4, used = File.Used;
        if (nodeRef < FirstRef || offset + 9 > used) ThrowCorrupt(nodeRef);
        File.EnsureMapped(used);
        byte* p = File.Base + offset;
        parent = *(uint*)p;
        p += 8;
        uint length = *p++;
        if (length >= 0x80) length = ReadLongLength(ref p, length);
        if ((ulong)(p - File.Base) + length > used || parent >= nodeRef) ThrowCorrupt(nodeRef);
        return new ReadOnlySpan<byte>(p, (int)length);
    }

    private static uint ReadLongLength(ref byte* p, uint first)
    {
        uint length = first & 0x7F;
        for (int shift = 7; shift <= 21; shift += 7)
        {
            uint b = *p++;
            length |= (b & 0x7F) << shift;
            if (b < 0x80) return length;
        }
        return uint.MaxValue; // caught by the bounds check
    }

    /// <summary>The name id of a committed node (0: not a name).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public uint NameIdOf(uint nodeRef) => Volatile.Read(ref NameIdAt(nodeRef));

    /// <summary>Writer: the name id field of a node the caller just read (so in bounds).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ref uint NameIdAt(uint nodeRef) => ref *(uint*)(File.Base + (ulong)nodeRef * 4 + 4);

    /// <summary>Writer: stores a node's name id (one aligned word; its page's sum cleared first, see PageSums).</summary>
    public void SetNameId(uint nodeRef, uint id)
    {
        File.Touch((ulong)nodeRef * 4 + 4, 4);
        Volatile.Write(ref NameIdAt(nodeRef), id);
    }

    /// <summary>The ref of the node following `nodeRef` (for sequential scans of committed nodes).</summary>
    public uint Next(uint nodeRef)
    {
        var component = Read(nodeRef, out _);
        return nodeRef + NodeSize(component.Length) / 4;
    }

    /// <summary>Writer: writes a node at `end` (past the committed size), advances `end`, returns its ref.</summary>
    public uint Append(ref ulong end, uint parent, ReadOnlySpan<byte> component)
    {
        ulong offset = end;
        if (offset / 4 > uint.MaxValue - 1) throw new StoreException(File.Path, "full: 16 GiB of names");
        File.Reserve(offset + NodeSize(component.Length));
        File.Touch(offset, NodeSize(component.Length));
        byte* p = File.Base + offset;
        *(uint*)p = parent;
        *(uint*)(p + 4) = 0; // the name id is set once the id file has committed it
        p += 8;
        uint length = (uint)component.Length;
        while (length >= 0x80)
        {
            *p++ = (byte)(length | 0x80);
            length >>= 7;
        }
        *p++ = (byte)length;
        component.CopyTo(new Span<byte>(p, component.Length));
        p += component.Length;
        while (((ulong)(p - File.Base) & 3) != 0) *p++ = 0;
        end = (ulong)(p - File.Base);
        return (uint)(offset / 4);
    }

    public void ThrowCorrupt(uint nodeRef)
        => throw new StoreException(File.Path, $"corrupt: node {nodeRef} is out of bounds or malformed (committed size {File.Used})");

    public void Dispose() => File.Dispose();
}
