// Names ('/'-separated paths) <-> dense uint ids, sharing directory prefixes, in three mapped files.
using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;
using System.Text;

namespace Lmake.Store;

/// <summary>
/// A persistent set of names with dense ids (1, 2, 3... in insertion order), stored as a tree of path
/// components so that a directory is stored once however many names lie below it.
/// Files (for <c>Open(path)</c>): <c>path</c> the nodes (<see cref="NodeHeap"/>), <c>path.ids</c> the node of
/// each name id (u32 per id: the id count is its committed size), <c>path.idx</c> the hash index
/// (<see cref="NameIndex"/>, derived: rebuilt when missing).
/// </summary>
/// <remarks>
/// Write ordering of an insert (the crash-safety argument; a kill -9 may land between any two steps):
/// 1. new nodes (name id 0) are written past the node file's committed size, the leaf's ref past the id file's;
/// 2. the node file's committed size is stored: the nodes exist, but no name uses them yet;
/// 3. the id file's committed size is stored: THE commit point, the name now has its id;
/// 4. the index slots of the new nodes are filled, and the leaf node's name id is stored in it;
/// 5. the index records how much of the node and id files it covers.
/// Killed before 2: nothing happened (the bytes past the committed sizes are overwritten later). Between 2
/// and 3: the nodes are directory nodes without a name; inserting that name again reuses them. Between 3
/// and 5: the index and the node's name id lag; the next writer's Open finishes steps 4-5 from the covered
/// marks (bounded work: one insert). A node's name id is only stored once its id is committed, so a
/// nonzero name id is always right. Nothing else is modified in place; every such store is one aligned word.
/// Readers (<c>writable: false</c>, other processes) map the files read-only and look only below the
/// committed sizes; they see a new name once step 4 is done, and switch to a rebuilt index when the old
/// one is marked superseded. Reopen is O(1): headers are checked, nothing is scanned.
/// One writer at a time (an exclusive lock on the files); an instance is not thread-safe.
/// Limits: 2^32-2 names, 16 GiB of nodes.
/// </remarks>
public sealed unsafe class PrefixTree : IDisposable
{
    private static readonly uint IdsKind = MappedFile.Tag("NIDS");
    private const uint IdsVersion = 1;
    private const uint MaxNames = uint.MaxValue - 1;
    private const int StackDepth = 32;
    private const int StackBytes = 1024;

    private readonly string _indexPath;
    private readonly bool _writable;
    private readonly NodeHeap _heap;
    private readonly MappedFile _ids;
    private NameIndex _index;
    private ChildMap? _children;
    // Directories already verified against a lookup, by the hash of their whole name (nodes never change:
    // an entry is never stale; two directories with one hash just replace each other).
    private readonly Dictionary<ulong, KnownDirectory> _directories = new();
    private long _directoryNamesBytes;
    private const long MaxDirectoryNamesBytes = 64L << 20;

    public string Path { get; }

    private PrefixTree(string path, bool writable, NodeHeap heap, MappedFile ids, NameIndex index)
    {
        Path = path;
        _indexPath = path + ".idx";
        _writable = writable;
        _heap = heap;
        _ids = ids;
        _index = index;
    }

    /// <summary>Opens the tree at `path` (and its .ids and .idx files); creates it when missing and writable.</summary>
    /// <param name="pageSums">Keep the sums of the pages of the node and id files (PageSums), checked after an unclean
    /// stop; the index is derived: rebuilt rather than checked.</param>
    /// <param name="rebuildIndex">Writer after an unclean stop: the node and id files' page sums are checked, then the
    /// index is rebuilt from them (it is derived: rebuilt rather than checked).</param>
    public static PrefixTree Open(string path, bool writable = true, bool pageSums = false, bool rebuildIndex = false)
    {
        string idsPath = path + ".ids", indexPath = path + ".idx";
        // Created in the order ids, nodes, index: a node file without its id file is never a crash's doing.
        if (File.Exists(path) && !File.Exists(idsPath))
            throw new StoreException(idsPath, $"missing, while the names file {path} exists");
        MappedFile? ids = null, nodes = null;
        NameIndex? index = null;
        try
        {
            ids = MappedFile.Open(idsPath, IdsKind, IdsVersion, 4, writable, out _, pageSums);
            if ((ids.Used - MappedFile.HeaderSize) % 4 != 0)
                throw new StoreException(idsPath, "corrupt: its committed size is not a whole number of ids");
            if (!File.Exists(path) && ids.Used > MappedFile.HeaderSize)
                throw new StoreException(path, $"missing, while {idsPath} holds names");
            nodes = MappedFile.Open(path, NodeHeap.Kind, NodeHeap.FormatVersion, 0, writable, out _, pageSums);
            if (nodes.Used % 4 != 0) throw new StoreException(path, "corrupt: its committed size is not aligned");
            var heap = new NodeHeap(nodes);
            if (writable && (rebuildIndex || !File.Exists(indexPath)))
            {
                ulong pagesChecked = rebuildIndex ? nodes.VerifyPages() + ids.VerifyPages() : 0;
                var tree = new PrefixTree(path, writable, heap, ids, null!) { PagesChecked = pagesChecked };
                tree.RebuildIndex(fromNodes: true);
                return tree;
            }
            index = NameIndex.Open(indexPath, writable);
            var opened = new PrefixTree(path, writable, heap, ids, index);
            if (writable) opened.CatchUpIndex();
            return opened;
        }
        catch
        {
            index?.Dispose();
            nodes?.Dispose();
            ids?.Dispose();
            throw;
        }
    }

    /// <summary>Writer, with no write in progress: the page sums of the node and id files brought up to date.</summary>
    public void Checkpoint()
    {
        _heap.File.Checkpoint();
        _ids.Checkpoint();
    }

    /// <summary>The pages of the node and id files whose sum is known hold what was written (else a StoreException).</summary>
    public ulong VerifyPages() => _heap.File.VerifyPages() + _ids.VerifyPages();

    /// <summary>Pages of the node and id files checked against their sums at open (rebuildIndex).</summary>
    public ulong PagesChecked { get; private init; }

    /// <summary>Number of names; their ids are 1..Count.</summary>
    public uint Count
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => (uint)((_ids.Used - MappedFile.HeaderSize) / 4);
    }

    // --- lookup -------------------------------------------------------------------------------------

    public bool TryGet(string name, out uint id)
    {
        byte[]? rented = null;
        Span<byte> utf8 = Encode(name, stackalloc byte[StackBytes], ref rented);
        try { return TryGet(utf8, out id); }
        finally { if (rented != null) ArrayPool<byte>.Shared.Return(rented); }
    }

    /// <summary>The id of `utf8Name` if it is a name (a directory that only holds other names is not).</summary>
    public bool TryGet(ReadOnlySpan<byte> utf8Name, out uint id)
    {
        if (!_writable && _index.Superseded) ReopenIndex();
        long slot = FindSlot(utf8Name, out _);
        id = slot < 0 ? 0 : _heap.NameIdOf(_index.SlotAt((uint)slot));
        if (id > Count) throw new StoreException(Path, $"corrupt: a node claims name id {id}, beyond the {Count} names");
        return id != 0;
    }

    public string NameOf(uint id)
    {
        uint count = Count;
        if (id - 1 >= count)
            throw new ArgumentOutOfRangeException(nameof(id), $"{Path}: no name has id {id} (ids are 1..{count})");
        uint leaf = IdRef(id);
        int length = FullNameLength(leaf);
        Span<byte> buffer = length <= StackBytes ? stackalloc byte[StackBytes] : new byte[length];
        buffer = buffer[..length];
        WriteFullName(leaf, buffer);
        return Encoding.UTF8.GetString(buffer);
    }

    // The length of a node's whole name: its components joined by '/' from the top.
    private int FullNameLength(uint node)
    {
        int length = -1;
        for (uint up = node; up != 0;)
        {
            length += _heap.Read(up, out uint parent).Length + 1;
            up = parent;
        }
        return length;
    }

    // Writes a node's whole name into `name`, which is exactly FullNameLength(node) bytes long.
    private void WriteFullName(uint node, Span<byte> name)
    {
        int position = name.Length;
        for (uint up = node; up != 0;)
        {
            var component = _heap.Read(up, out uint parent);
            position -= component.Length;
            component.CopyTo(name[position..]);
            if (parent != 0) name[--position] = (byte)'/';
            up = parent;
        }
    }

    /// <summary>
    /// Ids of the names directly below `directory` (names "directory/X", X without '/'), in insertion order
    /// of their nodes. "" lists top-level names; "/" lists "/X" (absolute paths). The first call scans the
    /// node file once to build an in-memory map, later calls only scan what was added since.
    /// </summary>
    public IEnumerable<uint> Children(string directory)
    {
        if (!_writable && _index.Superseded) ReopenIndex();
        uint parent = 0; // the top level
        if (directory.Length != 0)
        {
            // "/" is the empty first component of absolute paths: the node named "".
            string nodeName = directory == "/" ? "" : directory;
            byte[]? rented = null;
            Span<byte> utf8 = Encode(nodeName, stackalloc byte[StackBytes], ref rented);
            long slot = FindSlot(utf8, out _);
            if (rented != null) ArrayPool<byte>.Shared.Return(rented);
            if (slot < 0) return [];
            parent = _index.SlotAt((uint)slot);
        }
        _children ??= new ChildMap();
        _children.CatchUp(_heap);
        return _children.NamesBelow(parent, _heap);
    }

    // --- insert -------------------------------------------------------------------------------------

    public uint Insert(string name)
    {
        byte[]? rented = null;
        Span<byte> utf8 = Encode(name, stackalloc byte[StackBytes], ref rented);
        try { return Insert(utf8); }
        finally { if (rented != null) ArrayPool<byte>.Shared.Return(rented); }
    }

    /// <summary>The id of `utf8Name`, inserting it (with its missing directories) if it is not a name yet.</summary>
    public uint Insert(ReadOnlySpan<byte> utf8Name)
    {
        if (!_writable) throw new InvalidOperationException($"{Path}: opened read-only");
        int depth = utf8Name.Count((byte)'/') + 1;
        if (_index.NeedsRoomFor((uint)depth)) RebuildIndex(fromNodes: false, extra: (uint)depth);
        long slot = FindSlot(utf8Name, out ulong hash);
        if (slot >= 0)
        {
            uint node = _index.SlotAt((uint)slot);
            uint existing = _heap.NameIdOf(node);
            if (existing != 0) return existing;
            uint named = CommitName(node, _heap.Used);              // steps 1 and 3
            _heap.SetNameId(node, named);        // step 4
            _index.SetCovered(_heap.Used, named);                   // step 5
            return named;
        }

        // The deepest directory that is already a node: the new nodes hang below it.
        Span<ulong> hashes = depth <= StackDepth ? stackalloc ulong[StackDepth] : new ulong[depth];
        Span<int> ends = depth <= StackDepth ? stackalloc int[StackDepth] : new int[depth];
        ComponentEnds(utf8Name, ends);
        hashes[depth - 1] = hash;
        int known = depth - 2;
        uint parent = 0;
        for (; known >= 0; known--)
        {
            long found = FindSlot(utf8Name[..ends[known]], out hashes[known]);
            if (found < 0) continue;
            parent = _index.SlotAt((uint)found);
            break;
        }
        int added = depth - 1 - known;
        Span<uint> refs = added <= StackDepth ? stackalloc uint[StackDepth] : new uint[added];
        ulong end = _heap.Used;
        int start = known < 0 ? 0 : ends[known] + 1;
        for (int j = known + 1; j < depth; j++)
        {
            parent = _heap.Append(ref end, parent, utf8Name[start..ends[j]]); // step 1
            refs[j - known - 1] = parent;
            start = ends[j] + 1;
        }
        uint id = CommitName(parent, end); // steps 1 (id), 2 and 3
        for (int j = known + 1; j < depth; j++) _index.Add(hashes[j], refs[j - known - 1]); // step 4
        _heap.SetNameId(parent, id);                                  // step 4
        _index.SetCovered(end, id); // step 5
        return id;
    }

    // Steps 1 (the id's record), 2 and 3 of an insert: returns the new id.
    private uint CommitName(uint leaf, ulong heapEnd)
    {
        ulong used = _ids.Used;
        if (Count >= MaxNames) throw new StoreException(_ids.Path, $"full: {MaxNames} names");
        _ids.Reserve(used + 4);
        _ids.Touch(used, 4);
        *(uint*)(_ids.Base + used) = leaf;
        if (heapEnd != _heap.Used) _heap.File.Commit(heapEnd);
        _ids.Commit(used + 4);
        return (uint)((used + 4 - MappedFile.HeaderSize) / 4);
    }

    // --- hashing and probing ------------------------------------------------------------------------

    // ends[k]: where component k ends in `name` (a '/' or the end).
    private static void ComponentEnds(ReadOnlySpan<byte> name, Span<int> ends)
    {
        int start = 0;
        for (int k = 0; ; k++)
        {
            int slash = name[start..].IndexOf((byte)'/');
            ends[k] = slash < 0 ? name.Length : start + slash;
            if (slash < 0) return;
            start = ends[k] + 1;
        }
    }

    private readonly record struct KnownDirectory(uint Node, byte[] Name);

    /// <summary>The slot of the node whose whole name is `name`, or -1; and the hash of `name`.</summary>
    private long FindSlot(ReadOnlySpan<byte> name, out ulong hash)
    {
        int lastSlash = name.LastIndexOf((byte)'/');
        hash = NameHash.Name(name, lastSlash, out ulong directoryKey);
        // The index bucket is prefetched and the directory part looked up before probing, so that their
        // cache misses overlap instead of following one another.
        uint count = _index.SlotCount, i = NameIndex.StartSlot(hash, count);
        if (Sse.IsSupported) Sse.Prefetch0(Unsafe.AsPointer(ref _index.FingerprintAt(i)));
        KnownDirectory known = default;
        if (lastSlash > 0) _directories.TryGetValue(directoryKey, out known);
        byte wanted = NameIndex.FingerprintOf(hash);
        for (uint probes = 0; probes < count; probes++)
        {
            byte fingerprint = Volatile.Read(ref _index.FingerprintAt(i));
            if (fingerprint == 0) return -1;
            if (fingerprint == wanted && Matches(_index.SlotAt(i), name, lastSlash, directoryKey, known)) return i;
            if (++i == count) i = 0;
        }
        throw new StoreException(_indexPath, "corrupt: the table has no empty slot");
    }

    // Compares the node's name with `name`: its last component in the node, the directory part against a
    // directory verified before (directories are few and shared by many names; walking them up in the
    // mapped file costs a cache and TLB miss per level), else by walking up, then remembered.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool Matches(uint node, ReadOnlySpan<byte> name, int lastSlash, ulong directoryKey, in KnownDirectory known)
    {
        var component = _heap.Read(node, out uint parent);
        if (component.Length != name.Length - lastSlash - 1 || !name[(lastSlash + 1)..].SequenceEqual(component)) return false;
        if (parent == 0 || lastSlash < 0) return parent == 0 && lastSlash < 0;
        var directory = name[..lastSlash];
        if (known.Node == parent && known.Name != null && directory.SequenceEqual(known.Name)) return true;
        if (!MatchesWalkingUp(parent, directory)) return false;
        if (lastSlash > 0 && _directoryNamesBytes < MaxDirectoryNamesBytes)
        {
            _directories[directoryKey] = new KnownDirectory(parent, directory.ToArray());
            _directoryNamesBytes += directory.Length + 48;
        }
        return true;
    }

    private bool MatchesWalkingUp(uint node, ReadOnlySpan<byte> name)
    {
        int end = name.Length;
        while (true)
        {
            var component = _heap.Read(node, out uint parent);
            int start = end - component.Length;
            if (start < 0 || !name.Slice(start, component.Length).SequenceEqual(component)) return false;
            if (parent == 0) return start == 0;
            if (start == 0 || name[start - 1] != (byte)'/') return false;
            end = start - 1;
            node = parent;
        }
    }

    /// <summary>The leaf node of name `id`.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal uint IdRef(uint id)
    {
        ulong used = _ids.Used;
        ulong offset = MappedFile.HeaderSize + (ulong)(id - 1) * 4;
        if (id == 0 || offset + 4 > used)
            throw new StoreException(_indexPath, $"corrupt: refers to name id {id}, beyond the {Count} names of {_ids.Path}");
        _ids.EnsureMapped(used);
        return *(uint*)(_ids.Base + offset);
    }

    // The hash of a node's whole name (rebuilt by walking up to the top).
    private ulong NodeHash(uint node)
    {
        int length = FullNameLength(node);
        Span<byte> name = length <= StackBytes ? stackalloc byte[StackBytes] : new byte[length];
        name = name[..length];
        WriteFullName(node, name);
        return NameHash.Name(name);
    }

    private static long SlotOfNode(NameIndex index, ulong hash, uint node, PrefixTree tree)
    {
        uint count = index.SlotCount, i = NameIndex.StartSlot(hash, count);
        byte wanted = NameIndex.FingerprintOf(hash);
        for (uint probes = 0; probes < count; probes++)
        {
            byte fingerprint = index.FingerprintAt((uint)i);
            if (fingerprint == 0) return -1;
            if (fingerprint == wanted && index.SlotAt(i) == node) return i;
            if (++i == count) i = 0;
        }
        return -1;
    }

    // --- index upkeep (writer) ----------------------------------------------------------------------

    // Finishes steps 4-5 of an insert a crash interrupted, or rebuilds an index that does not match.
    private void CatchUpIndex()
    {
        ulong heapUsed = _heap.Used, covered = _index.CoveredHeap;
        uint count = Count, coveredIds = _index.CoveredIds;
        if (covered > heapUsed || covered < MappedFile.HeaderSize || covered % 4 != 0 || coveredIds > count)
        {
            RebuildIndex(fromNodes: true);
            return;
        }
        if (covered == heapUsed && coveredIds == count) return;
        for (uint node = (uint)(covered / 4); (ulong)node * 4 < heapUsed; node = _heap.Next(node))
        {
            ulong hash = NodeHash(node);
            if (SlotOfNode(_index, hash, node, this) >= 0) continue;
            if (_index.NeedsRoomFor(1)) RebuildIndex(fromNodes: false, extra: 1);
            _index.Add(hash, node);
        }
        for (uint id = coveredIds + 1; id <= count; id++) SetNameId(IdRef(id), id);
        _index.SetCovered(heapUsed, count);
    }

    // Step 4 of an insert, redone after a crash: the node of name `id` learns its id.
    private void SetNameId(uint node, uint id)
    {
        _heap.Read(node, out _); // bounds check: `node` comes from the id file
        uint current = _heap.NameIdOf(node);
        if (current == id) return;
        if (current != 0) throw new StoreException(_ids.Path, $"corrupt: name id {id} refers to node {node} of {Path}, which is name {current}");
        _heap.SetNameId(node, id);
    }

    /// <summary>
    /// Builds a new index aside (path.idx.tmp) and renames it over the old one: a crash leaves either the
    /// old complete index or the new one. From the old index when growing, from the node and id files when
    /// the index is missing or does not match them.
    /// </summary>
    private void RebuildIndex(bool fromNodes, uint extra = 0)
    {
        string temp = _indexPath + ".tmp";
        uint nodeCount = 0;
        if (fromNodes)
            for (uint node = NodeHeap.FirstRef; (ulong)node * 4 < _heap.Used; node = _heap.Next(node)) nodeCount++;
        else nodeCount = _index.SlotsUsed;
        var fresh = NameIndex.Create(temp, NameIndex.SizeFor((ulong)nodeCount + extra));
        try
        {
            if (fromNodes)
            {
                ulong heapUsed = _heap.Used;
                for (uint node = NodeHeap.FirstRef; (ulong)node * 4 < heapUsed; node = _heap.Next(node))
                    fresh.Add(NodeHash(node), node);
                uint count = Count;
                for (uint id = 1; id <= count; id++) SetNameId(IdRef(id), id); // idempotent: redoes step 4
                fresh.SetCovered(heapUsed, count);
            }
            else
            {
                uint slots = _index.SlotCount;
                for (uint i = 0; i < slots; i++)
                {
                    uint node = _index.SlotAt(i);
                    if (node != 0 && _index.FingerprintAt(i) != 0) fresh.Add(NodeHash(node), node);
                }
                fresh.SetCovered(_index.CoveredHeap, _index.CoveredIds);
            }
            File.Move(temp, _indexPath, overwrite: true);
        }
        catch
        {
            fresh.Dispose();
            File.Delete(temp);
            throw;
        }
        var old = _index;
        _index = fresh;
        if (old != null)
        {
            old.MarkSuperseded(); // tells readers still mapping it to reopen path.idx
            old.Dispose();
        }
    }

    // Reader: the writer renamed a new index over the one we map.
    private void ReopenIndex()
    {
        var fresh = NameIndex.Open(_indexPath, writable: false);
        _index.Dispose();
        _index = fresh;
    }

    private static Span<byte> Encode(string name, Span<byte> stack, ref byte[]? rented)
    {
        int max = Encoding.UTF8.GetMaxByteCount(name.Length);
        Span<byte> buffer = max <= stack.Length ? stack : (rented = ArrayPool<byte>.Shared.Rent(max));
        return buffer[..Encoding.UTF8.GetBytes(name, buffer)];
    }

    /// <summary>Durability point against power loss (a kill -9 loses nothing committed even without it).</summary>
    public void Flush()
    {
        _ids.Flush();
        _heap.File.Flush();
        _index.File.Flush();
    }

    public void Dispose()
    {
        _index?.Dispose();
        _heap.Dispose();
        _ids.Dispose();
    }
}
