// A file mapped in memory with a 64-byte header (magic, kind, version, committed size, a few fields for its
// owner), grown by doubling and remapping, with the sums of its pages beside it when asked (PageSums: FILE.sums).
// The base of every store structure (Vector, PrefixTree).
using System.Runtime.CompilerServices;

namespace Lmake.Store;

/// <summary>
/// One memory-mapped store file. The writer appends past <see cref="Used"/> and then publishes with
/// <see cref="Commit"/>; readers (other processes, read-only mappings) only ever look below the committed
/// size they read from the header, so they never see a record the writer has not finished.
/// </summary>
/// <remarks>
/// Crash safety rests on one rule the owners follow: bytes below the committed size are never changed
/// except by single aligned stores that are each a valid state on their own. Everything else is written
/// past the committed size first and becomes part of the file only when the 8-byte committed size is
/// stored (one instruction: a kill -9 lands before or after it, never inside). Data past the committed
/// size after a crash is garbage that the next writer overwrites. A writer's stores go to the page cache,
/// which survives the death of the process; <see cref="Flush"/> (msync) is only needed against power loss.
/// Header layout (little endian): 0 magic u64, 8 kind u32, 12 version u32, 16 committed size u64 (an
/// offset from the file start, at least 64), 24 parameter u32 (e.g. element size), 28 flags u32,
/// 32..63 four u64 fields owned by the structure.
/// </remarks>
public sealed unsafe class MappedFile : IDisposable
{
    public const int HeaderSize = 64;
    public const int FieldCount = 4;
    private const ulong Magic = 0x45524F54534B4D4CUL; // "LMKSTORE"
    private const ulong PageSize = 4096;
    private const ulong InitialLength = 16 * 1024;

    private int _fd;
    private byte* _base;
    private ulong _mappedLength;
    private bool _validated; // only a file whose header we checked may be shrunk at close
    private PageSums? _sums;  // opened with pageSums: the sum of each page as of the last checkpoint (PageSums)

    public string Path { get; }
    public bool Writable { get; }

    /// <summary>Start of the mapping. Changes when the file grows: never keep it across Reserve/EnsureMapped.</summary>
    public byte* Base => _base;
    public ulong MappedLength => _mappedLength;

    private MappedFile(string path, bool writable, int fd)
    {
        Path = path;
        Writable = writable;
        _fd = fd;
    }

    /// <summary>Size committed so far: an offset from the start of the file (the header included).</summary>
    public ulong Used
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Volatile.Read(ref *(ulong*)(_base + 16));
    }

    public uint Flags => Volatile.Read(ref *(uint*)(_base + 28));

    /// <summary>Encodes a four-letter kind ("NAME") as stored in the header.</summary>
    public static uint Tag(string fourLetters)
    {
        if (fourLetters.Length != 4) throw new ArgumentException("a kind is four letters", nameof(fourLetters));
        return (uint)fourLetters[0] | (uint)fourLetters[1] << 8 | (uint)fourLetters[2] << 16 | (uint)fourLetters[3] << 24;
    }

    private static string TagText(uint tag)
    {
        Span<char> letters = stackalloc char[4];
        for (int i = 0; i < 4; i++)
        {
            char c = (char)((tag >> (8 * i)) & 0xFF);
            letters[i] = c is >= ' ' and <= '~' ? c : '?';
        }
        return new string(letters);
    }

    /// <summary>
    /// Opens (and, when writable and missing, creates) a store file of the given kind. Writers take an
    /// exclusive lock: a second writer, in this process or another, gets a StoreException.
    /// </summary>
    public static MappedFile Open(string path, uint kind, uint version, uint parameter, bool writable, out bool created,
        bool pageSums = false)
    {
        created = false;
        if (writable && !File.Exists(path)) created = CreateEmpty(path, kind, version, parameter);
        int fd = Libc.Open(path, (writable ? Libc.O_RDWR : Libc.O_RDONLY) | Libc.O_CLOEXEC, 0);
        if (fd < 0)
            throw new StoreException(path, File.Exists(path) ? $"cannot open: {Libc.LastError()}" : "does not exist");
        var file = new MappedFile(path, writable, fd);
        try
        {
            if (writable) LockForWriting(fd, path);
            long size = Libc.Lseek(fd, 0, Libc.SEEK_END);
            if (size < 0) throw new StoreException(path, $"cannot read its size: {Libc.LastError()}");
            if (size < HeaderSize)
                throw new StoreException(path, $"truncated: {size} bytes, shorter than the {HeaderSize}-byte store header");
            file.Map((ulong)size);
            file.Validate(kind, version, parameter, (ulong)size);
            file._validated = true;
            if (pageSums)
            {
                file._sums = PageSums.Open(path, writable);
                if (writable) file._sums!.Cover(file._mappedLength);
            }
            return file;
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    // A lock is held by an open file description, which a child forked by this process shares until it
    // execs: a lock released just before another thread spawned a process can linger for a moment. So a
    // busy lock is retried for a second before it is taken for another writer.
    private static void LockForWriting(int fd, string path)
    {
        for (int attempt = 0; Libc.Flock(fd, Libc.LOCK_EX | Libc.LOCK_NB) != 0; attempt++)
        {
            if (attempt >= 200) throw new StoreException(path, "already open for writing (by this or another process)");
            Thread.Sleep(5);
        }
    }

    // Written under a temporary name, then renamed: a crash never leaves a half-made header under `path`.
    private static bool CreateEmpty(string path, uint kind, uint version, uint parameter)
    {
        string temp = $"{path}.new-{Environment.ProcessId}";
        string? dir = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path));
        if (dir != null && !Directory.Exists(dir)) throw new StoreException(path, "its directory does not exist");
        int fd = Libc.Open(temp, Libc.O_RDWR | Libc.O_CREAT | Libc.O_CLOEXEC, 0x1A4 /* 0644 */);
        if (fd < 0) throw new StoreException(path, $"cannot create: {Libc.LastError()}");
        try
        {
            byte* header = stackalloc byte[HeaderSize];
            new Span<byte>(header, HeaderSize).Clear();
            *(ulong*)header = Magic;
            *(uint*)(header + 8) = kind;
            *(uint*)(header + 12) = version;
            *(ulong*)(header + 16) = HeaderSize;
            *(uint*)(header + 24) = parameter;
            if (Libc.Ftruncate(fd, (long)InitialLength) != 0 || Libc.Pwrite(fd, header, HeaderSize, 0) != HeaderSize)
                throw new StoreException(path, $"cannot create: {Libc.LastError()}");
            ReserveBlocks(fd, path, 0, (long)InitialLength);
        }
        finally
        {
            Libc.Close(fd);
        }
        try
        {
            File.Move(temp, path, overwrite: false);
            return true;
        }
        catch (IOException) when (File.Exists(path))
        {
            File.Delete(temp); // someone else created it first: use theirs
            return false;
        }
    }

    private void Map(ulong length)
    {
        int prot = Writable ? Libc.PROT_READ | Libc.PROT_WRITE : Libc.PROT_READ;
        nint address = Libc.Mmap(0, (nuint)length, prot, Libc.MAP_SHARED, _fd, 0);
        if (address == Libc.MapFailed) throw new StoreException(Path, $"cannot map {length} bytes: {Libc.LastError()}");
        _base = (byte*)address;
        _mappedLength = length;
    }

    private void Validate(uint kind, uint version, uint parameter, ulong size)
    {
        if (*(ulong*)_base != Magic)
            throw new StoreException(Path, "not an lmake store file (foreign or garbage content)");
        uint actualKind = *(uint*)(_base + 8);
        if (actualKind != kind)
            throw new StoreException(Path, $"is a store file of kind '{TagText(actualKind)}', expected '{TagText(kind)}'");
        uint actualVersion = *(uint*)(_base + 12);
        if (actualVersion != version)
            throw new StoreException(Path, $"store format version {actualVersion}, this build reads version {version}");
        uint actualParameter = *(uint*)(_base + 24);
        if (actualParameter != parameter)
            throw new StoreException(Path, $"holds records of parameter {actualParameter}, expected {parameter} (another record type?)");
        ulong used = Used;
        if (used < HeaderSize || used > size)
            throw new StoreException(Path, $"truncated or corrupt: its header commits {used} bytes, the file has {size}");
    }

    /// <summary>Writer: makes [0, end) mapped, growing the file by doubling.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Reserve(ulong end)
    {
        if (end > _mappedLength) Grow(end);
    }

    /// <summary>Gets the disk blocks of [offset, offset+length) now: a page of the mapping written later on a full
    /// disk would otherwise kill the process (SIGBUS) instead of failing here with a message. A file system that
    /// cannot reserve (EOPNOTSUPP, EINVAL) is taken as it is.</summary>
    internal static void ReserveBlocks(int fd, string path, long offset, long length)
    {
        const int ENOSPC = 28, EDQUOT = 122;
        int error = Libc.PosixFallocate(fd, offset, length);
        // an IOException with errno as its HResult, as .NET raises for a full disk: no damage, nothing to repair
        if (error is ENOSPC or EDQUOT)
            throw new IOException($"{path}: cannot grow by {length} bytes: no space left on the device", error);
    }

    private void Grow(ulong end)
    {
        if (!Writable) throw new InvalidOperationException($"{Path}: opened read-only");
        ulong length = Math.Max(_mappedLength * 2, (end + PageSize - 1) & ~(PageSize - 1));
        if (Libc.Ftruncate(_fd, (long)length) != 0)
            throw new StoreException(Path, $"cannot grow to {length} bytes: {Libc.LastError()}");
        ReserveBlocks(_fd, Path, (long)_mappedLength, (long)(length - _mappedLength));
        _sums?.Cover(length);
        Remap(length);
    }

    /// <summary>Reader: makes [0, end) mapped when the writer has grown the file since we mapped it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void EnsureMapped(ulong end)
    {
        if (end > _mappedLength) Refresh(end);
    }

    private void Refresh(ulong end)
    {
        long size = Libc.Lseek(_fd, 0, Libc.SEEK_END);
        if (size < 0 || (ulong)size < end)
            throw new StoreException(Path, $"truncated or corrupt: needs {end} bytes, the file has {size}");
        Remap((ulong)size);
    }

    private void Remap(ulong length)
    {
        nint address = Libc.Mremap((nint)_base, (nuint)_mappedLength, (nuint)length, Libc.MREMAP_MAYMOVE);
        if (address == Libc.MapFailed) throw new StoreException(Path, $"cannot map {length} bytes: {Libc.LastError()}");
        _base = (byte*)address;
        _mappedLength = length;
    }

    /// <summary>Writer: publishes everything written below `used` (the commit point of every change).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Commit(ulong used)
    {
        _sums?.TouchHeader();
        Volatile.Write(ref *(ulong*)(_base + 16), used);
    }

    public ulong GetField(int index)
    {
        if ((uint)index >= FieldCount) throw new ArgumentOutOfRangeException(nameof(index));
        return Volatile.Read(ref *(ulong*)(_base + 32 + 8 * index));
    }

    public void SetField(int index, ulong value)
    {
        if ((uint)index >= FieldCount) throw new ArgumentOutOfRangeException(nameof(index));
        if (!Writable) throw new InvalidOperationException($"{Path}: opened read-only");
        _sums?.TouchHeader();
        Volatile.Write(ref *(ulong*)(_base + 32 + 8 * index), value);
    }

    public void SetFlags(uint flags)
    {
        if (!Writable) throw new InvalidOperationException($"{Path}: opened read-only");
        _sums?.TouchHeader();
        Volatile.Write(ref *(uint*)(_base + 28), flags);
    }

    /// <summary>Writer, before it changes [offset, offset+length) below or past the committed size (the header's own
    /// stores do it themselves): the pages' sums are unknown until the next <see cref="Checkpoint"/>. Every store
    /// into the mapping goes after one of these (PageSums).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Touch(ulong offset, ulong length) => _sums?.Touch(offset, length);

    /// <summary>Writer, with no write in progress: sums the pages written since the last checkpoint.</summary>
    public void Checkpoint()
    {
        if (Writable && _base != null) _sums?.Checkpoint(_base, Used);
    }

    /// <summary>Checks every page whose sum is known (after an unclean stop, lmake_repair --check): a StoreException
    /// naming the file for the first damaged one. Returns the pages checked (0 without page sums).</summary>
    public ulong VerifyPages() => _sums?.Verify(Path, _base, Used, _mappedLength) ?? 0;

    /// <summary>Durability point against power loss (a kill -9 loses nothing even without it).</summary>
    public void Flush()
    {
        if (!Writable || _base == null) return;
        if (Libc.Msync((nint)_base, (nuint)_mappedLength, Libc.MS_SYNC) != 0)
            throw new StoreException(Path, $"cannot sync: {Libc.LastError()}");
    }

    /// <summary>
    /// Unmaps and closes. A writer first gives back the room doubling reserved past the committed size
    /// (readers never look past the committed size, so shrinking under them is safe).
    /// </summary>
    public void Dispose()
    {
        if (_fd < 0) return;
        ulong keep = 0;
        if (_base != null)
        {
            if (Writable && _validated) keep = Math.Max((Used + PageSize - 1) & ~(PageSize - 1), PageSize);
            Libc.Munmap((nint)_base, (nuint)_mappedLength);
            _base = null;
            _mappedLength = 0;
        }
        if (keep != 0) Libc.Ftruncate(_fd, (long)keep);
        _sums?.Dispose();
        _sums = null;
        Libc.Close(_fd);
        _fd = -1;
    }
}
