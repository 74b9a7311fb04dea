// Incremental hashing: a native xxhash state fed with spans, streams or whole files.
using System.Buffers;
using Microsoft.Win32.SafeHandles;

namespace Lmake.Common.Checksums;

public sealed unsafe class XxHasher : IDisposable
{
    private readonly XxAlgorithm _algorithm;
    private nint _state;

    public XxHasher(XxAlgorithm algorithm, ulong seed = 0)
    {
        _algorithm = algorithm;
        _state = algorithm == XxAlgorithm.Xxh64 ? XxHashNative.XXH64_createState() : XxHashNative.XXH3_createState();
        if (_state == 0) throw new OutOfMemoryException("xxhash state");
        switch (algorithm)
        {
            case XxAlgorithm.Xxh3_64: XxHashNative.XXH3_64bits_reset(_state); break;
            case XxAlgorithm.Xxh3_128: XxHashNative.XXH3_128bits_reset(_state); break;
            default: XxHashNative.XXH64_reset(_state, seed); break;
        }
    }

    public void Append(ReadOnlySpan<byte> data)
    {
        ObjectDisposedException.ThrowIf(_state == 0, this);
        fixed (byte* p = data)
        {
            switch (_algorithm)
            {
                case XxAlgorithm.Xxh3_64: XxHashNative.XXH3_64bits_update(_state, p, (nuint)data.Length); break;
                case XxAlgorithm.Xxh3_128: XxHashNative.XXH3_128bits_update(_state, p, (nuint)data.Length); break;
                default: XxHashNative.XXH64_update(_state, p, (nuint)data.Length); break;
            }
        }
    }

    public void Append(Stream stream)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(XxHash.FileChunk);
        try
        {
            int n;
            while ((n = stream.Read(buffer, 0, buffer.Length)) > 0) Append(buffer.AsSpan(0, n));
        }
        finally { ArrayPool<byte>.Shared.Return(buffer); }
    }

    /// <summary>Reads with positional reads on an unbuffered handle: one copy from the page cache, no
    /// FileStream buffering on top.</summary>
    public void AppendFile(string path)
    {
        using SafeFileHandle handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, FileOptions.SequentialScan);
        AppendFile(handle);
    }

    public void AppendFile(SafeFileHandle handle)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(XxHash.FileChunk);
        try
        {
            long offset = 0;
            int n;
            while ((n = RandomAccess.Read(handle, buffer, offset)) > 0)
            {
                Append(buffer.AsSpan(0, n));
                offset += n;
            }
        }
        finally { ArrayPool<byte>.Shared.Return(buffer); }
    }

    public ulong Digest64()
    {
        ObjectDisposedException.ThrowIf(_state == 0, this);
        return _algorithm switch
        {
            XxAlgorithm.Xxh3_64 => XxHashNative.XXH3_64bits_digest(_state),
            XxAlgorithm.Xxh64 => XxHashNative.XXH64_digest(_state),
            _ => throw new InvalidOperationException("a 128-bit hasher has no 64-bit digest"),
        };
    }

    public Hash128 Digest128()
    {
        ObjectDisposedException.ThrowIf(_state == 0, this);
        if (_algorithm != XxAlgorithm.Xxh3_128) throw new InvalidOperationException("not a 128-bit hasher");
        Xxh128Native h = XxHashNative.XXH3_128bits_digest(_state);
        return new Hash128(h.High64, h.Low64);
    }

    ~XxHasher() => Release();

    public void Dispose()
    {
        Release();
        GC.SuppressFinalize(this);
    }

    private void Release()
    {
        if (_state == 0) return;
        if (_algorithm == XxAlgorithm.Xxh64) XxHashNative.XXH64_freeState(_state);
        else XxHashNative.XXH3_freeState(_state);
        _state = 0;
    }
}
