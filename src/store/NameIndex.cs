// The hash index of a PrefixTree: full-name hash -> node, in its own file. Derived data: it can always be
// rebuilt from the node file and the id file, so it is replaced whole (write aside, rename) when it grows.
using System.Runtime.CompilerServices;

namespace Lmake.Store;

/// <summary>
/// An open-addressing table (linear probing) after the header, in buckets of 8 slots: 8 fingerprint bytes
/// (low byte of the hash, never 0; 0 marks an empty slot) then 8 u32 slot values, 40 bytes. Probing reads
/// the fingerprints and only follows a slot whose fingerprint matches; its value is in the same or the
/// next cache line. A slot holds a node ref (the node says whether it is a name, and its id). Every committed node has exactly one slot, placed by the hash of its
/// whole name. Header fields: covered node-file size and covered id count (everything below them is in the
/// table), slot count, slots in use. Flag bit 0: superseded (a newer index was renamed over this one).
/// Slots are only ever filled (value first, then fingerprint: the fingerprint publishes the slot), by single stores: a reader probing at the same time sees the old or the new
/// state, both valid. A slot whose value was stored but not its fingerprint (a kill in between) is empty.
/// </summary>
internal sealed unsafe class NameIndex : IDisposable
{
    public const uint FormatVersion = 4;
    public static readonly uint Kind = MappedFile.Tag("NIDX");
    public const uint SupersededFlag = 1;
    private const int CoveredHeapField = 0, CoveredIdsField = 1, SlotCountField = 2, SlotsUsedField = 3;
    public const uint MinSlots = 1024;

    public readonly MappedFile File;

    private NameIndex(MappedFile file) => File = file;

    public static NameIndex Open(string path, bool writable)
    {
        var file = MappedFile.Open(path, Kind, FormatVersion, 4, writable, out _);
        var index = new NameIndex(file);
        ulong slots = file.GetField(SlotCountField);
        if (slots < MinSlots || slots > int.MaxValue || slots % BucketSlots != 0 || file.Used != MappedFile.HeaderSize + slots * 5
            || file.GetField(SlotsUsedField) >= slots)
        {
            file.Dispose();
            throw new StoreException(path, "corrupt: its slot table does not match its header");
        }
        file.EnsureMapped(file.Used);
        return index;
    }

    /// <summary>Creates an empty table of `slotCount` slots at `path` (replacing a leftover file).</summary>
    public static NameIndex Create(string path, uint slotCount)
    {
        if (System.IO.File.Exists(path)) System.IO.File.Delete(path);
        var file = MappedFile.Open(path, Kind, FormatVersion, 4, writable: true, out _);
        ulong end = MappedFile.HeaderSize + (ulong)slotCount * 5;
        file.Reserve(end); // a new file grown by ftruncate reads as zeros: every slot is empty
        file.Commit(end);
        file.SetField(SlotCountField, slotCount);
        return new NameIndex(file);
    }

    public uint SlotCount => (uint)File.GetField(SlotCountField);
    public uint SlotsUsed => (uint)File.GetField(SlotsUsedField);
    public ulong CoveredHeap => File.GetField(CoveredHeapField);
    public uint CoveredIds => (uint)File.GetField(CoveredIdsField);
    public bool Superseded => (File.Flags & SupersededFlag) != 0;
    private const int BucketSlots = 8, BucketBytes = 40;

    /// <summary>The value of slot `i` (valid until the index is rebuilt).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ref uint SlotAt(uint i)
        => ref *(uint*)(File.Base + MappedFile.HeaderSize + (i / BucketSlots) * (ulong)BucketBytes + BucketSlots + (i % BucketSlots) * 4);

    /// <summary>The fingerprint of slot `i` (0: empty).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ref byte FingerprintAt(uint i)
        => ref *(File.Base + MappedFile.HeaderSize + (i / BucketSlots) * (ulong)BucketBytes + i % BucketSlots);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static byte FingerprintOf(ulong hash) => (byte)hash == 0 ? (byte)1 : (byte)hash;

    /// <summary>True when `extra` more slots would push the load past 3/4.</summary>
    public bool NeedsRoomFor(uint extra) => (ulong)SlotsUsed + extra > (ulong)SlotCount * 3 / 4;

    /// <summary>Slot count for a rebuilt table holding `entries`: half full.</summary>
    public static uint SizeFor(ulong entries)
        => (uint)Math.Min(Math.Max(entries * 2, MinSlots) + BucketSlots - 1, int.MaxValue) / BucketSlots * BucketSlots;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint StartSlot(ulong hash, uint slotCount) => (uint)(((hash >> 32) * slotCount) >> 32);

    /// <summary>Writer: puts `value` in the first empty slot of `hash`'s probe sequence (the key is absent).</summary>
    public void Add(ulong hash, uint value)
    {
        uint count = SlotCount, i = StartSlot(hash, count);
        for (uint probes = 0; FingerprintAt(i) != 0; probes++)
        {
            if (probes >= count) throw new StoreException(File.Path, "corrupt: the table is full");
            if (++i == count) i = 0;
        }
        Volatile.Write(ref SlotAt(i), value);
        Volatile.Write(ref FingerprintAt(i), FingerprintOf(hash));
        File.SetField(SlotsUsedField, SlotsUsed + 1);
    }

    public void SetCovered(ulong heapEnd, uint ids)
    {
        File.SetField(CoveredHeapField, heapEnd);
        File.SetField(CoveredIdsField, ids);
    }

    public void MarkSuperseded() => File.SetFlags(File.Flags | SupersededFlag);

    public void Dispose() => File.Dispose();
}
