// The pipe on which a server this client starts says that it listens (see the server's ReadySignal): the
// client waits on it instead of polling LMAKE/server with growing sleeps, which cost a cold start up to
// the length of a sleep after the server was ready.
using Lmake.Common;

namespace Lmake.Client;

internal sealed unsafe class ServerReadyPipe : IDisposable
{
    private int _read, _write;

    private ServerReadyPipe(int read, int write)
    {
        _read = read;
        _write = write;
    }

    /// <summary>Null when no pipe can be made: the client then polls as it would for a server it did not start.</summary>
    public static ServerReadyPipe? Create()
    {
        const int LowestHandedFd = 10;
        int* fds = stackalloc int[2];
        if (Libc.Pipe2(fds, Libc.O_CLOEXEC) != 0) return null;
        // handed to the server as a fd of its own number: never one of the numbers it is given as (see DetachedSpawn)
        int write = Libc.Fcntl(fds[1], Libc.F_DUPFD_CLOEXEC, LowestHandedFd);
        Libc.Close(fds[1]);
        if (write < 0)
        {
            Libc.Close(fds[0]);
            return null;
        }
        return new ServerReadyPipe(fds[0], write);
    }

    /// <summary>The end the server writes to.</summary>
    public int WriteEnd => _write;

    /// <summary>Once the server holds its copy: ours must go, or the end of the server would not wake us.</summary>
    public void CloseWriteEnd()
    {
        if (_write >= 0) Libc.Close(_write);
        _write = -1;
    }

    /// <summary>Until the server says it listens or exits, or <paramref name="timeoutMs"/> passed.</summary>
    public void Wait(long timeoutMs)
    {
        var fd = new Libc.PollFd { Fd = _read, Events = Libc.POLLIN };
        Libc.Poll(&fd, 1, (int)Math.Clamp(timeoutMs, 0, int.MaxValue));
    }

    public void Dispose()
    {
        CloseWriteEnd();
        if (_read >= 0) Libc.Close(_read);
        _read = -1;
    }
}
