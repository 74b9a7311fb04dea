// A growable array of unmanaged records in one mapped file: append, index by id (1..Count), update in place.
using System.Runtime.CompilerServices;

namespace Lmake.Store;

/// <summary>
/// Records of type T stored back to back after the header; the header's committed size says how many.
/// Append writes the record past the committed size, then commits (one 8-byte store): after a kill -9
/// the record is either counted and whole, or not counted. Ids are stable and dense: 1, 2, 3...
/// </summary>
/// <remarks>
/// In-place updates through the indexer are plain stores: a field is whole after a crash only if it is
/// one aligned machine word. Opened read-only, the mapping is read-only: do not write through the ref.
/// A ref is invalid after the next Append (the file may have been remapped elsewhere).
/// The header parameter is sizeof(T): opening a file with another record size is a StoreException.
/// </remarks>
public sealed unsafe class Vector<T> : IDisposable where T : unmanaged
{
    private const uint FormatVersion = 1;
    private static readonly uint Kind = MappedFile.Tag("VECT");
    private readonly MappedFile _file;

    private Vector(MappedFile file) => _file = file;

    public string Path => _file.Path;

    /// <summary>Opens the vector at `path`; creates an empty one when missing and writable.</summary>
    /// <param name="pageSums">Keep the sums of its pages (PageSums), checked after an unclean stop.</param>
    public static Vector<T> Open(string path, bool writable = true, bool pageSums = false)
        => new(MappedFile.Open(path, Kind, FormatVersion, (uint)sizeof(T), writable, out _, pageSums));

    /// <summary>Number of records; ids are 1..Count (0 is never an id).</summary>
    public uint Count
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => (uint)((_file.Used - MappedFile.HeaderSize) / (ulong)sizeof(T));
    }

    public ref T this[uint id]
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get
        {
            uint count = Count;
            if (id - 1 >= count) ThrowBadId(id, count);
            ulong offset = MappedFile.HeaderSize + (ulong)(id - 1) * (ulong)sizeof(T);
            _file.EnsureMapped(offset + (ulong)sizeof(T));
            return ref *(T*)(_file.Base + offset);
        }
    }

    /// <summary>Writer: the record to update in place (its page's sum cleared first, see PageSums). Reads go
    /// through the indexer; every write through this.</summary>
    public ref T ForWrite(uint id)
    {
        ref T record = ref this[id];
        _file.Touch(MappedFile.HeaderSize + (ulong)(id - 1) * (ulong)sizeof(T), (ulong)sizeof(T));
        return ref record;
    }

    /// <summary>Writer, with no write in progress: the page sums brought up to date (PageSums).</summary>
    public void Checkpoint() => _file.Checkpoint();

    /// <summary>The pages whose sum is known hold what was written (a StoreException names the file if not).</summary>
    public ulong VerifyPages() => _file.VerifyPages();

    /// <summary>Appends a record and returns its id.</summary>
    public uint Append(in T value)
    {
        if (!_file.Writable) throw new InvalidOperationException($"{Path}: opened read-only");
        ulong used = _file.Used;
        if (used - MappedFile.HeaderSize >= (ulong)uint.MaxValue * (ulong)sizeof(T))
            throw new StoreException(Path, "full: 2^32-1 records");
        ulong end = used + (ulong)sizeof(T);
        _file.Reserve(end);
        _file.Touch(used, (ulong)sizeof(T));
        *(T*)(_file.Base + used) = value; // past the committed size: invisible until the commit below
        _file.Commit(end);
        return (uint)((end - MappedFile.HeaderSize) / (ulong)sizeof(T));
    }

    public void Flush() => _file.Flush();

    public void Dispose() => _file.Dispose();

    private void ThrowBadId(uint id, uint count)
        => throw new ArgumentOutOfRangeException(nameof(id), $"{Path}: id {id} is not in 1..{count}");
}
