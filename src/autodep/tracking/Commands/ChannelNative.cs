// The socket calls of the in-job command channel (unix stream sockets in the abstract namespace).
using System.Runtime.InteropServices;
using System.Text;

namespace Lmake.Autodep;

internal static unsafe partial class ChannelNative
{
    public const int AF_UNIX = 1, SOCK_STREAM = 1, SOCK_NONBLOCK = 0x800, SOCK_CLOEXEC = 0x80000;
    public const int MSG_NOSIGNAL = 0x4000;
    public const short POLLOUT = 4;
    public const int EINTR = 4, EAGAIN = 11;

    [StructLayout(LayoutKind.Sequential)]
    public struct PollFd
    {
        public int Fd;
        public short Events, Revents;
    }

    [LibraryImport("libc", EntryPoint = "socket", SetLastError = true)]
    public static partial int Socket(int domain, int type, int protocol);

    [LibraryImport("libc", EntryPoint = "bind", SetLastError = true)]
    public static partial int Bind(int fd, byte* addr, int addrLen);

    [LibraryImport("libc", EntryPoint = "listen", SetLastError = true)]
    public static partial int Listen(int fd, int backlog);

    [LibraryImport("libc", EntryPoint = "accept4", SetLastError = true)]
    public static partial int Accept4(int fd, byte* addr, int* addrLen, int flags);

    [LibraryImport("libc", EntryPoint = "recv", SetLastError = true)]
    public static partial nint Recv(int fd, byte* buffer, nint count, int flags);

    [LibraryImport("libc", EntryPoint = "send", SetLastError = true)]
    public static partial nint Send(int fd, byte* buffer, nint count, int flags);

    [LibraryImport("libc", EntryPoint = "poll", SetLastError = true)]
    public static partial int Poll(PollFd* fds, nint count, int timeoutMs);

    [LibraryImport("libc", EntryPoint = "realpath", SetLastError = true)]
    private static partial byte* RealPath(byte* path, byte* resolved);

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
            return RealPath(p, resolved) is null ? path : Marshal.PtrToStringUTF8((nint)resolved) ?? path;
    }
}
