// IClientOutput over a client's connection. Out and Err only queue the line: a sender thread writes the
// queue to the socket, several frames per write, so the engine thread never waits for a slow client (a
// paused terminal, a pipe nobody reads). A client that is gone makes further lines vanish quietly and
// cancels the request: the engine must not fail for it.
using System.Buffers;
using System.Text;
using Lmake.Common.Protocol;

namespace Lmake.Server.Transport;

internal sealed class FramedClientOutput : IClientOutput
{
    private readonly Stream _stream;
    private readonly CancellationTokenSource _clientGone;
    private readonly object _lock = new();
    private List<(MessageKind Kind, byte[] Payload)> _queued = new();
    private bool _finished;
    private bool _idle;   // the sender waits for lines: only then does a new line wake it (Finish always does)

    /// <summary>After a write, the sender lets lines gather this long before the next one (unless the
    /// request ends): one wake-up and one socket write for the status lines of several short jobs, not
    /// one each, on both sides of the connection. Too short for a person to see.</summary>
    private const int GatherMs = 5;
    private volatile bool _broken;
    private readonly ManualResetEventSlim _sent = new(false, 0);   // set when the sender is done; waited for without spinning

    public FramedClientOutput(Stream stream, CancellationTokenSource clientGone)
    {
        _stream = stream;
        _clientGone = clientGone;
        ParkedThreads.Run(() => { try { SendLoop(); } finally { _sent.Set(); } }, "client output");
    }

    public void Out(string line) => Enqueue(MessageKind.Out, Encoding.UTF8.GetBytes(line));

    public void Err(string line) => Enqueue(MessageKind.Err, Encoding.UTF8.GetBytes(line));

    /// <summary>Queues the Exit message after every line and waits until all is sent (or the client is gone).</summary>
    public void Finish(int exitCode)
    {
        Enqueue(MessageKind.Exit, new PayloadWriter().Int(exitCode).WrittenSpan.ToArray());
        lock (_lock)
        {
            _finished = true;
            Monitor.PulseAll(_lock);
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
            if (_queued.Count == 1 && _idle) Monitor.PulseAll(_lock);
        }
    }

    private void SendLoop()
    {
        var batch = new ArrayBufferWriter<byte>(1 << 16);
        var taken = new List<(MessageKind Kind, byte[] Payload)>();
        while (true)
        {
            lock (_lock)
            {
                _idle = true;
                while (_queued.Count == 0 && !_finished) Monitor.Wait(_lock);
                _idle = false;
                if (_queued.Count == 0) return;
                (taken, _queued) = (_queued, taken);
            }
            batch.ResetWrittenCount();
            foreach (var (kind, payload) in taken) FrameWriter.Append(batch, kind, payload);
            taken.Clear();
            try
            {
                _stream.Write(batch.WrittenSpan);
                lock (_lock)
                    if (!_finished) Monitor.Wait(_lock, GatherMs);   // Finish pulses: the end of a request is not delayed
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException or System.Net.Sockets.SocketException)
            {
                _broken = true;
                try { _clientGone.Cancel(); } catch (ObjectDisposedException) { }
                return;
            }
        }
    }
}
