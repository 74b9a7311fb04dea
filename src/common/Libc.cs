// The libc calls lmake makes directly, declared once: the loopback TCP connection (client and server; .NET's
// Socket starts an epoll thread on first use, its async engine, that lmake never needs, and thread starts are
// a large share of a command that lasts a few milliseconds), pipes, eventfds, plain file reads. All fds are
// opened close-on-exec: jobs never inherit them.
using System.Runtime.InteropServices;

namespace Lmake.Common;

public static unsafe partial class Libc
{
    public const int AF_INET = 2, SOCK_STREAM = 1, SOCK_CLOEXEC = 0x80000;
    public const int SOL_SOCKET = 1, SO_RCVTIMEO = 20, IPPROTO_TCP = 6, TCP_NODELAY = 1;
    public const int MSG_DONTWAIT = 0x40, MSG_NOSIGNAL = 0x4000;
    public const int SHUT_RDWR = 2, FIONREAD = 0x541B;
    public const short POLLIN = 1, POLLOUT = 4, POLLERR = 8, POLLHUP = 0x10, POLLNVAL = 0x20;
    public const int EINTR = 4, EAGAIN = 11;
    public const int EFD_NONBLOCK = 0x800, EFD_CLOEXEC = 0x80000;
    public const int O_RDONLY = 0, O_CLOEXEC = 0x80000;
    public const int F_SETFD = 2, FD_CLOEXEC = 1, F_DUPFD_CLOEXEC = 1030;
    public const uint Loopback = 0x7F00_0001;   // 127.0.0.1, host order

    [StructLayout(LayoutKind.Sequential)]
    public struct PollFd
    {
        public int Fd;
        public short Events, Revents;
    }

    /// <summary>struct sockaddr_in: port and address in network order.</summary>
    [StructLayout(LayoutKind.Sequential, Size = 16)]
    public struct SockAddrIn
    {
        public ushort Family;
        public ushort PortBigEndian;
        public uint AddressBigEndian;
        private ulong _zero;

        public static SockAddrIn For(uint address, int port) => new()
        {
            Family = AF_INET,
            PortBigEndian = System.Buffers.Binary.BinaryPrimitives.ReverseEndianness((ushort)port),
            AddressBigEndian = System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(address),
        };

        public readonly int Port => System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(PortBigEndian);
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct TimeVal
    {
        public long Seconds, Microseconds;
    }

    /// <summary>The text of the last error of a call made with SetLastError.</summary>
    public static string LastError() => Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError());

    [LibraryImport("libc", EntryPoint = "socket", SetLastError = true)]
    public static partial int Socket(int domain, int type, int protocol);

    [LibraryImport("libc", EntryPoint = "connect", SetLastError = true)]
    public static partial int Connect(int fd, SockAddrIn* address, int length);

    [LibraryImport("libc", EntryPoint = "bind", SetLastError = true)]
    public static partial int Bind(int fd, SockAddrIn* address, int length);

    [LibraryImport("libc", EntryPoint = "listen", SetLastError = true)]
    public static partial int Listen(int fd, int backlog);

    [LibraryImport("libc", EntryPoint = "getsockname", SetLastError = true)]
    public static partial int GetSockName(int fd, SockAddrIn* address, int* length);

    [LibraryImport("libc", EntryPoint = "accept4", SetLastError = true)]
    public static partial int Accept4(int fd, SockAddrIn* address, int* length, int flags);

    [LibraryImport("libc", EntryPoint = "setsockopt", SetLastError = true)]
    public static partial int SetSockOpt(int fd, int level, int name, void* value, int length);

    [LibraryImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    public static partial int Ioctl(int fd, nuint request, int* value);

    [LibraryImport("libc", EntryPoint = "recv", SetLastError = true)]
    public static partial nint Recv(int fd, byte* buffer, nint count, int flags);

    [LibraryImport("libc", EntryPoint = "send", SetLastError = true)]
    public static partial nint Send(int fd, byte* buffer, nint count, int flags);

    [LibraryImport("libc", EntryPoint = "shutdown", SetLastError = true)]
    public static partial int Shutdown(int fd, int how);

    [LibraryImport("libc", EntryPoint = "poll", SetLastError = true)]
    public static partial int Poll(PollFd* fds, nint count, int timeoutMs);

    [LibraryImport("libc", EntryPoint = "eventfd", SetLastError = true)]
    public static partial int EventFd(uint initial, int flags);

    [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
    public static partial nint Read(int fd, byte* buffer, nint count);

    [LibraryImport("libc", EntryPoint = "write", SetLastError = true)]
    public static partial nint Write(int fd, byte* buffer, nint count);

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true)]
    public static partial int Open(byte* path, int flags);

    [LibraryImport("libc", EntryPoint = "pipe2", SetLastError = true)]
    public static partial int Pipe2(int* fds, int flags);

    [LibraryImport("libc", EntryPoint = "fcntl", SetLastError = true)]
    public static partial int Fcntl(int fd, int command, int argument);

    [LibraryImport("libc", EntryPoint = "close")]
    public static partial int Close(int fd);
}
