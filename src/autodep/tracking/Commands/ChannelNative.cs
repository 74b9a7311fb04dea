// The constants and addresses of the in-job command channel's socket calls (unix stream sockets in the
// abstract namespace; the calls are declared in Lmake.Common.Libc).
using System.Runtime.InteropServices;
using System.Text;
using Lmake.Common;

namespace Lmake.Autodep;

internal static unsafe class ChannelNative
{
    public const int AF_UNIX = 1, SOCK_STREAM = 1, SOCK_NONBLOCK = 0x800, SOCK_CLOEXEC = 0x80000;
    public const int MSG_NOSIGNAL = 0x4000;
    public const short POLLOUT = 4;
    public const int EINTR = 4, EAGAIN = 11;

    /// <summary>sockaddr_un for an abstract name (a leading NUL, then the name, no terminator).</summary>
    public static int AbstractAddress(string name, byte* addr)
    {
        var bytes = Encoding.UTF8.GetBytes(name);
        if (bytes.Length > 100) throw new ArgumentException("socket name too long", nameof(name));
        *(ushort*)addr = AF_UNIX;
        addr[2] = 0;
        for (int i = 0; i < bytes.Length; i++) addr[3 + i] = bytes[i];
        return 3 + bytes.Length;
    }

    /// <summary>The canonical form of an existing path (symlinks resolved), or the path itself.</summary>
    public static string RealPathOf(string path)
    {
        byte* resolved = stackalloc byte[4097];
        var bytes = Encoding.UTF8.GetBytes(path + "\0");
        fixed (byte* p = bytes)
            return Libc.RealPath(p, resolved) is null ? path : Marshal.PtrToStringUTF8((nint)resolved) ?? path;
    }
}
