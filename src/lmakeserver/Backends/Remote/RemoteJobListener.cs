// Where the job_execs of remote jobs connect back to the server: a TCP socket on every interface of this host (the
// nodes are other machines), a thread accepting, and one thread per connected job serving its conversation
// (RemoteJobWire): the hello with the job's key (a wrong or unknown key is refused), the order, the in-job
// commands answered through the job's JobCommands, its live stdout, its end.
using Lmake.Autodep;
using Lmake.Autodep.Remote;
using Lmake.Common;
using Lmake.Common.Protocol;
using Lmake.Common.Sockets;
using static Lmake.Common.Libc;

namespace Lmake.Server.Backends.Remote;

public sealed unsafe class RemoteJobListener
{
    /// <summary>How long a connection may take to say hello before it is dropped.</summary>
    private static readonly TimeSpan HelloTimeout = TimeSpan.FromSeconds(30);

    private readonly int _fd;
    private readonly object _lock = new();
    private readonly Dictionary<int, RemoteJobSlot> _slots = new();
    private int _lastNumber;

    /// <param name="address">The address to listen on, host order (0: every interface).</param>
    public RemoteJobListener(uint address = 0)
    {
        _fd = Socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (_fd < 0) throw new IOException($"socket: {LastError()}");
        SockAddrIn bound = SockAddrIn.For(address, 0);
        int length = sizeof(SockAddrIn);
        if (Bind(_fd, &bound, length) != 0 || Listen(_fd, 128) != 0 || GetSockName(_fd, &bound, &length) != 0)
        {
            string error = LastError();
            Close(_fd);
            throw new IOException($"cannot listen for remote jobs: {error}");
        }
        Port = bound.Port;
        new Thread(AcceptLoop) { IsBackground = true, Name = "remote jobs" }.Start();
    }

    public int Port { get; }

    /// <summary>A slot for one job about to be submitted, with a fresh key.</summary>
    public RemoteJobSlot Expect(RemoteJobOrder order, JobCommands commands, Action<byte[]>? liveStdout)
    {
        lock (_lock)
        {
            int number = ++_lastNumber;
            var slot = new RemoteJobSlot(this, number, $"{number}:{SecureRandom.Hex(16)}", order, commands, liveStdout);
            _slots[number] = slot;
            return slot;
        }
    }

    internal void Forget(RemoteJobSlot slot)
    {
        lock (_lock) _slots.Remove(slot.Number);
    }

    private void AcceptLoop()
    {
        while (true)
        {
            int client = Accept4(_fd, null, null, SOCK_CLOEXEC);
            if (client < 0) { Thread.Sleep(10); continue; }   // EINTR, a peer gone before we took it...
            var stream = new LoopbackStream(client);
            new Thread(() => Serve(stream)) { IsBackground = true, Name = "remote job" }.Start();
        }
    }

    private void Serve(LoopbackStream stream)
    {
        RemoteJobSlot? slot = null;
        try
        {
            using (stream)
            {
                stream.SetNoDelay();
                stream.ReceiveTimeout = HelloTimeout;
                var reader = new FrameReader(stream);
                var writer = new FrameWriter(stream);
                if (reader.Read() is not Frame hello) return;
                string? refusal = Welcome(hello, out slot);
                if (refusal != null)
                {
                    writer.Write(MessageKind.Refused, new PayloadWriter().String(refusal));
                    slot = null;
                    return;
                }
                writer.Write(MessageKind.Welcome);
                stream.ReceiveTimeout = TimeSpan.Zero;   // a job may run for days
                if (!slot!.Attach(writer)) { slot = null; return; }
                for (Frame? frame; (frame = reader.Read()) is Frame f;)
                {
                    if (f.Kind == MessageKind.JobEnd) { slot.Report(RemoteJobWire.ReadEnd(f)); return; }
                    if (f.Kind == MessageKind.JobStdout) slot.LiveStdout?.Invoke(f.Payload.ToArray());
                    else Answer(slot.Commands, f, writer);
                }
            }
        }
        catch (Exception e) when (e is IOException or ProtocolException) { slot?.Lose($"connection to job_exec lost ({e.Message})"); }
        finally { slot?.Lose("job_exec closed its connection before reporting"); }
    }

    /// <summary>Null when the hello names a waiting slot with its right key, else why it is refused.</summary>
    private string? Welcome(Frame hello, out RemoteJobSlot? slot)
    {
        slot = null;
        if (hello.Kind != MessageKind.Hello) return $"expected hello, got {hello.Kind}";
        PayloadReader r = hello.Reader();
        r.String();
        r.Int();
        string key = r.String();
        int colon = key.IndexOf(':');
        if (colon <= 0 || !int.TryParse(key.AsSpan(0, colon), out int number)) return "bad key";
        lock (_lock) _slots.TryGetValue(number, out slot);
        if (slot == null) return "bad key";   // (no hint whether the slot exists)
        string? refusal = Hello.Check(hello, slot.Key);
        if (refusal == null && (slot.IsConnected || slot.HasEnded)) refusal = "this job is connected already";
        if (refusal != null) slot = null;
        return refusal;
    }

    /// <summary>One in-job command: asked of the engine, answered when it is (requests may overlap).</summary>
    private static void Answer(JobCommands commands, Frame f, FrameWriter writer)
    {
        PayloadReader r = f.Reader();
        int id = r.Int();
        switch (f.Kind)
        {
            case MessageKind.JobVerifyDeps:
                Reply(commands.VerifyDeps(r.Strings()), v => RemoteJobWire.Verdicts(id, v), id, writer);
                break;
            case MessageKind.JobCheckDeps:
                // not up to date: the job is stopped by job_exec itself on this answer
                Reply(commands.CheckDeps(r.Strings(), () => { }), ok => RemoteJobWire.Verdict(id, ok), id, writer);
                break;
            case MessageKind.JobEncode:
                Reply(commands.Encode(r.String(), r.String(), r.String(), r.Int()), code => RemoteJobWire.Code(id, code), id, writer);
                break;
            case MessageKind.JobDecode:
                Reply(commands.Decode(r.String(), r.String(), r.String()), value => RemoteJobWire.Value(id, value), id, writer);
                break;
            default:
                throw new ProtocolException($"unexpected {f.Kind} from job_exec");
        }
    }

    private static void Reply<T>(Task<T> asked, Func<T, PayloadWriter> answer, int id, FrameWriter writer) =>
        asked.ContinueWith(t =>
        {
            PayloadWriter payload = t.IsCompletedSuccessfully ? answer(t.Result)
                : RemoteJobWire.Failure(id, t.Exception?.InnerException?.Message ?? "cancelled");
            try { writer.Write(MessageKind.JobAnswer, payload); }
            catch (Exception e) when (e is IOException or ObjectDisposedException) { }   // job_exec is gone: its session reports the job lost
        }, TaskScheduler.Default);
}
