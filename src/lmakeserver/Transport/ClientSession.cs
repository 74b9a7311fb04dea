// One client connection on its own thread: checks the key, reads the request, runs the handler while
// another thread watches the socket for Cancel or a hang-up (either fires the request's token), and ends
// with the Exit message.
using System.Net.Sockets;
using Lmake.Common;
using Lmake.Common.Protocol;

namespace Lmake.Server.Transport;

internal sealed class ClientSession
{
    /// <summary>A client that connects must say hello and send its request within this time.</summary>
    private static readonly TimeSpan HandshakeTimeout = TimeSpan.FromSeconds(10);

    private readonly Socket _socket;
    private readonly IRequestHandler _handler;
    private readonly string _key;
    private readonly ServerLog _log;
    private readonly CancellationToken _serverStopping;

    public ClientSession(Socket socket, IRequestHandler handler, string key, ServerLog log, CancellationToken serverStopping)
    {
        _socket = socket;
        _handler = handler;
        _key = key;
        _log = log;
        _serverStopping = serverStopping;
    }

    public void Run()
    {
        try
        {
            _socket.NoDelay = true;
            using var stream = new NetworkStream(_socket, ownsSocket: true);
            Serve(stream);
        }
        catch (Exception e) when (e is IOException or SocketException or ProtocolException or ObjectDisposedException)
        {
            _log.Write($"client connection ended: {e.Message}");
        }
        catch (Exception e)
        {
            _log.Write($"internal error in a client connection: {e}");
        }
    }

    private void Serve(NetworkStream stream)
    {
        var reader = new FrameReader(stream);
        var writer = new FrameWriter(stream);
        _socket.ReceiveTimeout = (int)HandshakeTimeout.TotalMilliseconds;

        Frame? hello = reader.Read();
        if (hello is null) return;
        if (Hello.Check(hello.Value, _key) is string refusal)
        {
            _log.Write($"client refused: {refusal}");
            writer.Write(MessageKind.Refused, new PayloadWriter().String(refusal));
            return;
        }
        writer.Write(MessageKind.Welcome);

        Frame? requestFrame = reader.Read();
        if (requestFrame is null) return;
        RequestMessage request = RequestMessage.Decode(requestFrame.Value);
        _socket.ReceiveTimeout = 0;

        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(_serverStopping);
        var output = new FramedClientOutput(stream, cancel);
        var watched = new ManualResetEventSlim(false, 0);   // no spinning: the watcher ends when the client hangs up
        ParkedThreads.Run(() => { WatchForCancel(reader, cancel); watched.Set(); }, "client watch");

        int code = Handle(request, output, cancel.Token);
        bool cancelled = cancel.IsCancellationRequested;   // before Exit: the client hangs up once it has it
        output.Finish(code);
        _log.Write($"{request.Command} {string.Join(' ', request.Args)}: exit {code}{(cancelled ? " (cancelled)" : "")}");
        try { _socket.Shutdown(SocketShutdown.Both); } catch (SocketException) { }
        _socket.Close();
        watched.Wait();
        watched.Dispose();
    }

    private int Handle(RequestMessage m, FramedClientOutput output, CancellationToken cancelled)
    {
        var request = new ClientRequest(m.Command, m.Args, m.Cwd, m.RepoRoot, m.Environ, m.StdoutIsTerminal);
        try
        {
            return _handler.Handle(request, output, cancelled);
        }
        catch (OperationCanceledException) when (cancelled.IsCancellationRequested)
        {
            return Interrupted.ExitCode;
        }
        catch (Exception e)
        {
            _log.Write($"internal error serving {m.Command}: {e}");
            output.Err($"{m.Command}: internal error in lmakeserver: {e.Message} (see LMAKE/server.log)");
            return ExitCode.InternalError;
        }
    }

    /// <summary>After the request, a client only ever sends Cancel; anything else, or the end of the
    /// connection, means it is gone.</summary>
    private static void WatchForCancel(FrameReader reader, CancellationTokenSource cancel)
    {
        try
        {
            Frame? f = reader.Read();
            _ = f;   // Cancel, a hang-up or garbage: all mean the same
        }
        catch (Exception e) when (e is IOException or SocketException or ProtocolException or ObjectDisposedException) { }
        try { cancel.Cancel(); } catch (ObjectDisposedException) { }
    }
}
