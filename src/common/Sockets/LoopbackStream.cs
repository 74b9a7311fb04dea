// A connected TCP socket (the client's connection to its server, or one the server accepted) as a Stream,
// over the raw fd (see Libc for why not System.Net.Sockets). Reads and writes block; failures are
// IOExceptions, as a NetworkStream's would be. A read and a write may run at once on two threads (the
// client sends Cancel from its ^C handler while it reads); closing waits for nobody, so the owner closes
// only once the other users of the fd are done.
using System.Net;
using System.Net.Sockets;
using static Lmake.Common.Libc;

namespace Lmake.Common.Sockets;

public sealed unsafe class LoopbackStream : Stream
{
    private int _fd;

    /// <summary>Takes ownership of a connected socket fd.</summary>
    public LoopbackStream(int fd) => _fd = fd;

    /// <summary>Connects to an IPv4 end point (refused, unreachable: IOException).</summary>
    public static LoopbackStream Connect(IPEndPoint endPoint)
    {
        if (endPoint.Address.AddressFamily != AddressFamily.InterNetwork)
            throw new IOException($"not an IPv4 address: {endPoint}");
        Span<byte> bytes = stackalloc byte[4];
        endPoint.Address.TryWriteBytes(bytes, out _);
        uint address = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(bytes);
        int fd = Socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0) throw new IOException($"socket: {LastError()}");
        SockAddrIn to = SockAddrIn.For(address, endPoint.Port);
        while (Libc.Connect(fd, &to, sizeof(SockAddrIn)) != 0)
        {
            if (System.Runtime.InteropServices.Marshal.GetLastPInvokeError() == EINTR) continue;
            string error = LastError();
            Libc.Close(fd);
            throw new IOException($"cannot connect to {endPoint}: {error}");
        }
        return new LoopbackStream(fd);
    }

    /// <summary>The socket, for callers that poll it; -1 once closed.</summary>
    public int Fd => Volatile.Read(ref _fd);

    /// <summary>Small messages go out at once (no Nagle delay): a request and its answer lines are short.</summary>
    public void SetNoDelay()
    {
        int on = 1;
        SetSockOpt(Checked(), IPPROTO_TCP, TCP_NODELAY, &on, sizeof(int));
    }

    /// <summary>A read waiting longer than this fails (zero: waits forever).</summary>
    public TimeSpan ReceiveTimeout
    {
        set
        {
            long us = (long)value.TotalMicroseconds;
            var tv = new TimeVal { Seconds = us / 1_000_000, Microseconds = us % 1_000_000 };
            if (SetSockOpt(Checked(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(TimeVal)) != 0)
                throw new IOException($"setsockopt: {LastError()}");
        }
    }

    /// <summary>Bytes received and not read yet.</summary>
    public int Available
    {
        get
        {
            int n = 0;
            return Ioctl(Checked(), FIONREAD, &n) == 0 ? n : 0;
        }
    }

    /// <summary>Ends the connection both ways (a reader blocked on it wakes) without closing the fd.</summary>
    public void Shutdown()
    {
        int fd = Fd;
        if (fd >= 0) Libc.Shutdown(fd, SHUT_RDWR);
    }

    public override int Read(Span<byte> buffer)
    {
        if (buffer.IsEmpty) return 0;
        while (true)
        {
            nint n;
            fixed (byte* p = buffer) n = Recv(Checked(), p, buffer.Length, 0);
            if (n >= 0) return (int)n;
            int errno = System.Runtime.InteropServices.Marshal.GetLastPInvokeError();
            if (errno == EINTR) continue;
            throw new IOException(errno == EAGAIN ? "timed out waiting for the peer" : $"receive: {LastError()}");
        }
    }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        while (!buffer.IsEmpty)
        {
            nint n;
            fixed (byte* p = buffer) n = Send(Checked(), p, buffer.Length, MSG_NOSIGNAL);
            if (n < 0)
            {
                if (System.Runtime.InteropServices.Marshal.GetLastPInvokeError() == EINTR) continue;
                throw new IOException($"send: {LastError()}");
            }
            buffer = buffer[(int)n..];
        }
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));
    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));
    public override void Flush() { }

    public override bool CanRead => Fd >= 0;
    public override bool CanWrite => Fd >= 0;
    public override bool CanSeek => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    private int Checked()
    {
        int fd = Fd;
        ObjectDisposedException.ThrowIf(fd < 0, this);
        return fd;
    }

    protected override void Dispose(bool disposing)
    {
        int fd = Interlocked.Exchange(ref _fd, -1);
        if (fd >= 0) Libc.Close(fd);
        base.Dispose(disposing);
    }
}
