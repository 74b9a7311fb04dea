// IClientOutput over a client's connection (or the stdout pipe of a read-only server). Out and Err only queue
// the line: the connection's link thread writes the queue to the socket, several frames per write, so the
// engine thread never waits for a slow client (a paused terminal, a pipe nobody reads). On a socket, the
// same thread watches for what a client sends during a request (Cancel, or the end of the connection): one
// poll(2) waits for both, so a request costs one thread besides its session's. A client that is gone makes
// further lines vanish quietly and cancels the request: the engine must not fail for it.
using System.Buffers;
using System.Runtime.InteropServices;
using System.Text;
using Lmake.Common.Protocol;
using Lmake.Common.Sockets;
using static Lmake.Common.Libc;

namespace Lmake.Server.Transport;

internal sealed unsafe class FramedClientOutput : IClientOutput
{
    private readonly int _fd;
    private readonly bool _isSocket;
    private readonly CancellationTokenSource _clientGone;
    private readonly object _lock = new();
    private List<(MessageKind Kind, byte[] Payload)> _queued = new();
    private bool _finished;
    private bool _idle;      // the link waits for lines: only then does a new line wake it (Finish always does)
    private readonly WakeFd _wake = new();   // the link polls it besides the socket; disposed once the link is done

    /// <summary>After a write, the link lets lines gather this long before the next one (unless the
    /// request ends): one wake-up and one socket write for the status lines of several short jobs, not
    /// one each, on both sides of the connection. Too short for a person to see.</summary>
    private const int GatherMs = 5;
    private volatile bool _broken;
    private readonly ManualResetEventSlim _sent = new(false, 0);   // set when the link is done; waited for without spinning

    /// <summary>Over a client's socket, which the caller keeps open until Finish returns.</summary>
    public FramedClientOutput(LoopbackStream socket, CancellationTokenSource clientGone)
        : this(socket.Fd, isSocket: true, clientGone) { }

    /// <summary>Over a pipe (nothing is read from it), which the caller keeps open until Finish returns.</summary>
    public FramedClientOutput(int pipeFd, CancellationTokenSource clientGone)
        : this(pipeFd, isSocket: false, clientGone) { }

    private FramedClientOutput(int fd, bool isSocket, CancellationTokenSource clientGone)
    {
        _fd = fd;
        _isSocket = isSocket;
        _clientGone = clientGone;
        ParkedThreads.Run(() =>
        {
            try { Link(); }
            finally
            {
                _wake.Dispose();
                _sent.Set();
            }
        }, "client link");
    }

    public void Out(string line) => Enqueue(MessageKind.Out, Encoding.UTF8.GetBytes(line));

    public void Err(string line) => Enqueue(MessageKind.Err, Encoding.UTF8.GetBytes(line));

    public void Progress(ProgressReport report) => Enqueue(MessageKind.Progress, report.Encode().WrittenSpan.ToArray());

    /// <summary>Queues the Exit message after every line and waits until all is sent (or the client is
    /// gone): the socket is not used by the link any more once this returns.</summary>
    public void Finish(int exitCode)
    {
        Enqueue(MessageKind.Exit, new PayloadWriter().Int(exitCode).WrittenSpan.ToArray());
        lock (_lock)
        {
            _finished = true;
            _wake.Signal();
        }
        _sent.Wait();
    }

    private void Enqueue(MessageKind kind, byte[] payload)
    {
        if (_broken) return;
        if (payload.Length >= FrameWriter.MaxFrameLength) payload = payload[..(FrameWriter.MaxFrameLength - 1)];
        lock (_lock)
        {
            if (_finished) return;
            _queued.Add((kind, payload));
            if (_queued.Count == 1 && _idle) _wake.Signal();
        }
    }

    private void Link()
    {
        var batch = new ArrayBufferWriter<byte>(1 << 16);
        var taken = new List<(MessageKind Kind, byte[] Payload)>();
        int written = 0;          // bytes of batch already sent
        bool watching = _isSocket;   // until the client sent something or hung up
        long gatherUntil = 0;
        int fd = _fd;
        PollFd* fds = stackalloc PollFd[2];
        while (true)
        {
            bool pending = written < batch.WrittenCount;
            int timeout = Timeout.Infinite;
            if (!pending)
            {
                lock (_lock)
                {
                    long gatherLeft = _finished ? 0 : gatherUntil - Environment.TickCount64;
                    if (gatherLeft <= 0 && _queued.Count > 0) (taken, _queued) = (_queued, taken);
                    else if (_queued.Count == 0 && _finished) return;
                    else if (gatherLeft > 0) timeout = (int)gatherLeft;
                    _idle = taken.Count == 0 && gatherLeft <= 0;
                }
                if (taken.Count > 0)
                {
                    batch.ResetWrittenCount();
                    foreach (var (kind, payload) in taken) FrameWriter.Append(batch, kind, payload);
                    taken.Clear();
                    written = 0;
                    pending = true;
                }
            }
            short events = (short)((watching ? POLLIN : 0) | (pending ? POLLOUT : 0));
            fds[0] = new PollFd { Fd = events != 0 ? fd : -1, Events = events };   // -1: a hung-up socket would wake poll at once
            fds[1] = new PollFd { Fd = _wake.Fd, Events = POLLIN };
            if (Poll(fds, 2, pending ? Timeout.Infinite : timeout) < 0) continue;   // EINTR
            if (fds[1].Revents != 0) _wake.Drain();
            short revents = fds[0].Revents;
            if (watching && (revents & (POLLIN | POLLHUP | POLLERR)) != 0 && ClientSpoke(fd))
            {
                // Cancel, a hang-up or garbage: all mean the same
                watching = false;
                CancelRequest();
            }
            if (pending && (revents & (POLLOUT | POLLHUP | POLLERR)) != 0)
            {
                nint n;
                fixed (byte* p = batch.WrittenSpan[written..])
                    n = _isSocket ? Send(fd, p, batch.WrittenCount - written, MSG_DONTWAIT | MSG_NOSIGNAL) : Write(fd, p, batch.WrittenCount - written);
                if (n < 0)
                {
                    int errno = Marshal.GetLastPInvokeError();
                    if (errno is EAGAIN or EINTR) continue;
                    _broken = true;
                    CancelRequest();
                    return;
                }
                written += (int)n;
                if (written == batch.WrittenCount) gatherUntil = Environment.TickCount64 + GatherMs;
            }
        }
    }

    /// <summary>Reads what the client sent (without waiting): true when it sent bytes, hung up or failed.</summary>
    private static bool ClientSpoke(int fd)
    {
        byte* buffer = stackalloc byte[64];
        nint n = Recv(fd, buffer, 64, MSG_DONTWAIT);
        return n >= 0 || Marshal.GetLastPInvokeError() is not (EAGAIN or EINTR);
    }

    private void CancelRequest()
    {
        try { _clientGone.Cancel(); } catch (ObjectDisposedException) { }
    }
}
