// How a server tells the client that started it that it listens: the client passes the write end of a pipe
// (`--ready-fd N`) and waits on the read end, so it connects as soon as the address is published instead of
// polling LMAKE/server with sleeps. The end of the pipe (this server exits, e.g. having lost the race for
// the repo's lock) wakes the client too.
using Lmake.Common;

namespace Lmake.Server.Transport;

internal sealed unsafe class ReadySignal
{
    private int _fd;

    private ReadySignal(int fd) => _fd = fd;

    /// <summary>Takes the inherited fd, closed on exec from now on: no job or helper must keep the client waiting.</summary>
    public static ReadySignal? Adopt(int? fd)
    {
        if (fd is not int f || f < 0) return null;
        return Libc.Fcntl(f, Libc.F_SETFD, Libc.FD_CLOEXEC) == 0 ? new ReadySignal(f) : null;   // not open: nobody waits
    }

    /// <summary>Says "listening" and closes the pipe; later calls do nothing.</summary>
    public void Send()
    {
        int fd = Interlocked.Exchange(ref _fd, -1);
        if (fd < 0) return;
        byte ready = 1;
        Libc.Write(fd, &ready, 1);
        Libc.Close(fd);
    }
}
