// The server's listening socket on 127.0.0.1 (a port the system chooses; lcache_server listens on every address,
// its cache dir being shared by hosts). The thread that runs the server's
// lifetime accepts on it itself: waiting for the next client is one poll(2) that also ends at a deadline
// (the idle grace) or when woken (a client left, Stop), so no thread is started just to accept.
using Lmake.Common.Sockets;
using static Lmake.Common.Libc;

namespace Lmake.Server.Transport;

public sealed unsafe class LoopbackListener : IDisposable
{
    private const int SOCK_NONBLOCK = 0x800;
    private readonly object _lock = new();
    private int _fd;   // -1 once closed; guarded by _lock for Dispose
    private readonly WakeFd _wake = new();

    /// <param name="bindAddress">host order; 0: every address of the host</param>
    public LoopbackListener(uint bindAddress = Loopback)
    {
        // non-blocking: a connection reset between poll and accept must not block the server's thread
        _fd = Socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        if (_fd < 0)
        {
            string error = LastError();
            _wake.Dispose();
            throw new IOException($"socket: {error}");
        }
        SockAddrIn address = SockAddrIn.For(bindAddress, 0);
        int length = sizeof(SockAddrIn);
        if (Bind(_fd, &address, length) != 0 || Listen(_fd, 128) != 0 || GetSockName(_fd, &address, &length) != 0)
        {
            string error = LastError();
            Close(_fd);
            _wake.Dispose();
            throw new IOException($"cannot listen: {error}");
        }
        Port = address.Port;
    }

    public int Port { get; }

    /// <summary>The next client, or null when <paramref name="timeoutMs"/> passed (-1: no deadline) or
    /// Wake was called first: the caller then looks at its state again.</summary>
    public LoopbackStream? Accept(int timeoutMs)
    {
        PollFd* fds = stackalloc PollFd[2];
        fds[0] = new PollFd { Fd = _fd, Events = POLLIN };
        fds[1] = new PollFd { Fd = _wake.Fd, Events = POLLIN };
        if (Poll(fds, 2, timeoutMs) <= 0) return null;   // the deadline, or a signal (EINTR)
        if (fds[1].Revents != 0) _wake.Drain();
        if ((fds[0].Revents & POLLIN) == 0) return null;
        int client = Accept4(_fd, null, null, SOCK_CLOEXEC);
        return client < 0 ? null : new LoopbackStream(client);   // gone before we took it (ECONNABORTED...)
    }

    /// <summary>Ends the Accept in progress (or the next one) at once. Harmless once closed.</summary>
    public void Wake() => _wake.Signal();

    /// <summary>Closes the socket: from then on a client that connects is refused.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            if (_fd >= 0) Close(_fd);
            _fd = -1;
        }
        _wake.Dispose();
    }
}
