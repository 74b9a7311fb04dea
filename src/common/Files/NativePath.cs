// A path as libc takes it: UTF-8, NUL-terminated. The calls made per node or per job (lstat, open) encode into a
// buffer on the caller's stack; only a path too long for it allocates.
using System.Text;

namespace Lmake.Common.Files;

public static class NativePath
{
    /// <summary>Size of the stack buffer callers give to <see cref="Encode"/>.</summary>
    public const int StackSize = 1024;

    /// <summary><paramref name="path"/> encoded into <paramref name="small"/> when it fits, else into a new array.</summary>
    public static Span<byte> Encode(string path, Span<byte> small)
    {
        int max = Encoding.UTF8.GetMaxByteCount(path.Length) + 1;
        Span<byte> buffer = max <= small.Length ? small : new byte[max];
        buffer[Encoding.UTF8.GetBytes(path, buffer)] = 0;
        return buffer;
    }
}
