// The xxh3 of a regular file's content with plain open/read/close: the engine checksums every target of every
// job it runs, and a .NET file handle adds an fstat, an flock pair and an fadvise to each file it opens.
using System.Buffers;
using System.Runtime.InteropServices;
using Lmake.Common.Files;

namespace Lmake.Common.Checksums;

internal static unsafe class RegularFileHash
{
    /// <summary>The hash and length of the content; false when the file cannot be opened or read (the caller
    /// then takes the slow path, which tells why).</summary>
    public static bool TryXxh3(string path, out ulong hash, out long length)
    {
        (hash, length) = (0, 0);
        Span<byte> name = NativePath.Encode(path, stackalloc byte[NativePath.StackSize]);
        int fd;
        fixed (byte* p = name) fd = Libc.Open(p, Libc.O_RDONLY | Libc.O_CLOEXEC);
        if (fd < 0) return false;
        byte[] buffer = ArrayPool<byte>.Shared.Rent(XxHash.FileChunk);
        XxHasher? streaming = null;
        try
        {
            while (true)
            {
                int n = ReadFull(fd, buffer);
                if (n < 0) return false;
                if (streaming is null && n < buffer.Length)   // the whole file in one buffer: hashed in one call
                {
                    hash = XxHash.Xxh3_64(buffer.AsSpan(0, n));
                    length = n;
                    return true;
                }
                streaming ??= new XxHasher(XxAlgorithm.Xxh3_64);
                streaming.Append(buffer.AsSpan(0, n));
                length += n;
                if (n < buffer.Length)
                {
                    hash = streaming.Digest64();
                    return true;
                }
            }
        }
        finally
        {
            streaming?.Dispose();
            ArrayPool<byte>.Shared.Return(buffer);
            Libc.Close(fd);
        }
    }

    /// <summary>Fills the buffer unless the file ends first: the count read, or -1 on an error.</summary>
    private static int ReadFull(int fd, byte[] buffer)
    {
        int done = 0;
        fixed (byte* b = buffer)
            while (done < buffer.Length)
            {
                nint n = Libc.Read(fd, b + done, buffer.Length - done);
                if (n == 0) break;
                if (n < 0)
                {
                    if (Marshal.GetLastPInvokeError() == Libc.EINTR) continue;
                    return -1;
                }
                done += (int)n;
            }
        return done;
    }
}
