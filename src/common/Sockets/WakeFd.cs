// An eventfd that ends another thread's poll(2): that thread polls Fd beside its sockets and drains it when
// woken. Signal and Dispose may race (a client leaving while the poller ends): a disposed one ignores signals.
using static Lmake.Common.Libc;

namespace Lmake.Common.Sockets;

public sealed unsafe class WakeFd : IDisposable
{
    private readonly object _lock = new();
    private int _fd;   // -1 once disposed

    public WakeFd()
    {
        _fd = EventFd(0, EFD_NONBLOCK | EFD_CLOEXEC);
        if (_fd < 0) throw new IOException($"eventfd: {LastError()}");
    }

    /// <summary>The fd to poll for POLLIN.</summary>
    public int Fd => _fd;

    /// <summary>Wakes the poller (now, or at its next poll). Harmless once disposed.</summary>
    public void Signal()
    {
        lock (_lock)
        {
            if (_fd < 0) return;
            ulong one = 1;
            Write(_fd, (byte*)&one, sizeof(ulong));
        }
    }

    /// <summary>By the poller, once woken: the next poll waits again.</summary>
    public void Drain()
    {
        ulong count;
        Read(_fd, (byte*)&count, sizeof(ulong));
    }

    public void Dispose()
    {
        lock (_lock)
        {
            if (_fd >= 0) Close(_fd);
            _fd = -1;
        }
    }
}
