// The page checksums of a store file: what lets a server that opens a store left by an UNCLEAN stop (kill -9, a
// crash: no seal, see src/lmakeserver/State/StoreSeal.cs) tell a sound file from one damaged since (a bad disk
// block, a stray write), without a journal and without hashing on the hot path.
//
// On disk, FILE.sums beside the store file FILE (little endian):
//     0  magic u64 "LMKPSUMS"    8  version u32 (1)    12  page size u32 (4096)    16..63  zero
//     64 + 8*i: the sum of page i of FILE (bytes [4096*i, 4096*(i+1))): 0 = unknown, else XXH3-64 of the page | 1
// Why this design (a checksum per page kept at checkpoints, not on every write): the writer updates records in
// place through the mapping, so a sum kept exact on every write would cost a hash of 4 KiB per store of a few bytes.
// Instead a write first clears the sum of the pages it touches (one aligned 8-byte store, and only when it is not
// already 0: the common case is a compare), and a checkpoint (the end of each lmake request, and the clean stop)
// sums the pages that are 0 again. A kill -9 leaves the pages written since the last checkpoint at 0 (their content
// is whatever the store's crash-safe ordering left: MappedFile), and every other page with the sum of what it holds:
// a page whose content does not hash to its sum was damaged while no writer touched it. Pages past the committed
// size are not summed (garbage by design). A missing FILE.sums (a store of an older lmake-cs, or a new file) is
// created all 0: the store is converted, checked from its first checkpoint on.
// Growth: the sums file grows with the store file (new entries 0); its room is reserved as the store's is.
using System.Runtime.CompilerServices;

namespace Lmake.Store;

internal sealed unsafe class PageSums : IDisposable
{
    public const int PageShift = 12;
    public const ulong PageSize = 1UL << PageShift;
    private const int HeaderSize = 64;
    private const ulong Magic = 0x534D5553504B4D4CUL; // "LMKPSUMS"
    private const uint Version = 1;

    private readonly string _path;
    private readonly bool _writable;
    private int _fd;
    private byte* _base;
    private ulong _mappedLength;

    private PageSums(string path, bool writable, int fd)
    {
        _path = path;
        _writable = writable;
        _fd = fd;
    }

    public static string PathOf(string storeFile) => storeFile + ".sums";

    /// <summary>The sums of <paramref name="storeFile"/>; created (all unknown) when missing and writable; null when
    /// missing and read-only (nothing to check against).</summary>
    public static PageSums? Open(string storeFile, bool writable)
    {
        string path = PathOf(storeFile);
        bool exists = File.Exists(path);
        if (!exists && !writable) return null;
        int fd = Libc.Open(path, (writable ? Libc.O_RDWR | Libc.O_CREAT : Libc.O_RDONLY) | Libc.O_CLOEXEC, 0x1A4 /* 0644 */);
        if (fd < 0) throw new StoreException(path, $"cannot open: {Libc.LastError()}");
        var sums = new PageSums(path, writable, fd);
        try
        {
            long size = Libc.Lseek(fd, 0, Libc.SEEK_END);
            if (size < 0) throw new StoreException(path, $"cannot read its size: {Libc.LastError()}");
            if (size < HeaderSize)
            {
                if (exists && size != 0) throw new StoreException(path, $"damaged: {size} bytes, shorter than its header");
                sums.Create();
                size = HeaderSize + 8 * 64;
            }
            sums.Map((ulong)size);
            if (*(ulong*)sums._base != Magic || *(uint*)(sums._base + 8) != Version || *(uint*)(sums._base + 12) != PageSize)
                throw new StoreException(path, "damaged: not the page sums of a store file (or of another version)");
            if (new ReadOnlySpan<byte>(sums._base + 16, HeaderSize - 16).ContainsAnyExcept((byte)0))
                throw new StoreException(path, "damaged: its header holds bytes where lmake-cs writes zeros");
            return sums;
        }
        catch
        {
            sums.Dispose();
            throw;
        }
    }

    private void Create()
    {
        byte* header = stackalloc byte[HeaderSize];
        new Span<byte>(header, HeaderSize).Clear();
        *(ulong*)header = Magic;
        *(uint*)(header + 8) = Version;
        *(uint*)(header + 12) = (uint)PageSize;
        if (Libc.Ftruncate(_fd, HeaderSize + 8 * 64) != 0 || Libc.Pwrite(_fd, header, HeaderSize, 0) != HeaderSize)
            throw new StoreException(_path, $"cannot create: {Libc.LastError()}");
    }

    private void Map(ulong length)
    {
        int prot = _writable ? Libc.PROT_READ | Libc.PROT_WRITE : Libc.PROT_READ;
        nint address = Libc.Mmap(0, (nuint)length, prot, Libc.MAP_SHARED, _fd, 0);
        if (address == Libc.MapFailed) throw new StoreException(_path, $"cannot map {length} bytes: {Libc.LastError()}");
        _base = (byte*)address;
        _mappedLength = length;
    }

    private ulong Count => (_mappedLength - HeaderSize) / 8;

    private ulong* Entries => (ulong*)(_base + HeaderSize);

    /// <summary>Writer: has an entry for every page of a store file of <paramref name="storeLength"/> bytes.</summary>
    public void Cover(ulong storeLength)
    {
        ulong pages = (storeLength + PageSize - 1) >> PageShift;
        if (pages <= Count) return;
        ulong length = (ulong)HeaderSize + 8 * Math.Max(pages, 2 * Count);
        length = (length + PageSize - 1) & ~(PageSize - 1);
        if (Libc.Ftruncate(_fd, (long)length) != 0) throw new StoreException(_path, $"cannot grow to {length} bytes: {Libc.LastError()}");
        MappedFile.ReserveBlocks(_fd, _path, (long)_mappedLength, (long)(length - _mappedLength));
        nint address = Libc.Mremap((nint)_base, (nuint)_mappedLength, (nuint)length, Libc.MREMAP_MAYMOVE);
        if (address == Libc.MapFailed) throw new StoreException(_path, $"cannot map {length} bytes: {Libc.LastError()}");
        _base = (byte*)address;
        _mappedLength = length;
    }

    /// <summary>Writer, before it changes [offset, offset+length) of the store file: those pages are unknown until the
    /// next checkpoint.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Touch(ulong offset, ulong length)
    {
        ulong first = offset >> PageShift, last = (offset + length - 1) >> PageShift;
        ulong count = Count;
        for (ulong p = first; p <= last && p < count; p++)
            if (Entries[p] != 0) Volatile.Write(ref Entries[p], 0UL);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void TouchHeader()
    {
        if (*Entries != 0) Volatile.Write(ref *Entries, 0UL);
    }

    private static ulong SumOf(byte* page) => Libc.Xxh3(page, (nuint)PageSize) | 1;

    /// <summary>Writer, at a checkpoint (no write in progress): sums the pages written since the last one, below
    /// <paramref name="used"/>.</summary>
    public void Checkpoint(byte* store, ulong used)
    {
        ulong pages = Math.Min((used + PageSize - 1) >> PageShift, Count);
        for (ulong p = 0; p < pages; p++)
            if (Entries[p] == 0) Volatile.Write(ref Entries[p], SumOf(store + (p << PageShift)));
    }

    /// <summary>Throws a StoreException naming <paramref name="storeFile"/> and the first page below
    /// <paramref name="used"/> whose content is not what its sum says. Returns the pages checked.</summary>
    public ulong Verify(string storeFile, byte* store, ulong used, ulong mapped)
    {
        ulong pages = Math.Min((used + PageSize - 1) >> PageShift, Count), checkedPages = 0;
        for (ulong p = 0; p < pages; p++)
        {
            ulong sum = Entries[p];
            if (sum == 0) continue;
            if ((p + 1) << PageShift > mapped)
                throw new StoreException(storeFile, $"damaged: truncated inside page {p}, which its page sums know");
            if (SumOf(store + (p << PageShift)) != sum)
                throw new StoreException(storeFile, $"damaged: page {p} (bytes {p << PageShift}..{((p + 1) << PageShift) - 1}) " +
                    $"does not match its sum in {System.IO.Path.GetFileName(_path)}");
            checkedPages++;
        }
        return checkedPages;
    }

    public void Dispose()
    {
        if (_base != null) Libc.Munmap((nint)_base, (nuint)_mappedLength);
        _base = null;
        if (_fd >= 0) Libc.Close(_fd);
        _fd = -1;
    }
}
