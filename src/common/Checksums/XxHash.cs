// One-shot XXH3-64, XXH3-128 and XXH64 over spans, files and streams.
namespace Lmake.Common.Checksums;

/// <summary>A 128-bit hash, high half first when printed (the order the reference xxhsum prints).</summary>
public readonly record struct Hash128(ulong High, ulong Low)
{
    public override string ToString() => $"{High:x16}{Low:x16}";
}

public enum XxAlgorithm { Xxh3_64, Xxh3_128, Xxh64 }

public static unsafe class XxHash
{
    /// <summary>Files are read in chunks this big: large enough that the syscall cost vanishes next to the copy and
    /// the hashing (a read of 256 KB from the page cache takes tens of microseconds, its syscall one or two), small
    /// enough to stay in the L2 cache; and the server keeps one such buffer (pooled) as long as it lives.</summary>
    public const int FileChunk = 1 << 18;

    public static ulong Xxh3_64(ReadOnlySpan<byte> data)
    {
        fixed (byte* p = data) return XxHashNative.XXH3_64bits(p, (nuint)data.Length);
    }

    public static Hash128 Xxh3_128(ReadOnlySpan<byte> data)
    {
        Xxh128Native h;
        fixed (byte* p = data) h = XxHashNative.XXH3_128bits(p, (nuint)data.Length);
        return new Hash128(h.High64, h.Low64);
    }

    public static ulong Xxh64(ReadOnlySpan<byte> data, ulong seed = 0)
    {
        fixed (byte* p = data) return XxHashNative.XXH64(p, (nuint)data.Length, seed);
    }

    public static ulong Xxh3_64(Stream stream)
    {
        using var h = new XxHasher(XxAlgorithm.Xxh3_64);
        h.Append(stream);
        return h.Digest64();
    }

    public static Hash128 Xxh3_128(Stream stream)
    {
        using var h = new XxHasher(XxAlgorithm.Xxh3_128);
        h.Append(stream);
        return h.Digest128();
    }

    public static ulong Xxh64(Stream stream, ulong seed = 0)
    {
        using var h = new XxHasher(XxAlgorithm.Xxh64, seed);
        h.Append(stream);
        return h.Digest64();
    }

    public static ulong Xxh3_64File(string path)
    {
        using var h = new XxHasher(XxAlgorithm.Xxh3_64);
        h.AppendFile(path);
        return h.Digest64();
    }

    public static Hash128 Xxh3_128File(string path)
    {
        using var h = new XxHasher(XxAlgorithm.Xxh3_128);
        h.AppendFile(path);
        return h.Digest128();
    }

    public static ulong Xxh64File(string path, ulong seed = 0)
    {
        using var h = new XxHasher(XxAlgorithm.Xxh64, seed);
        h.AppendFile(path);
        return h.Digest64();
    }
}
