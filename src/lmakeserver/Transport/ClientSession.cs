// One client connection on its own thread: checks the key, reads the request and runs the handler, while
// the connection's output link (FramedClientOutput) sends the lines and watches the socket for Cancel or a
// hang-up (either fires the request's token); ends with the Exit message.
using Lmake.Common;
using Lmake.Common.Protocol;
using Lmake.Common.Sockets;

namespace Lmake.Server.Transport;

internal sealed class ClientSession
{
    /// <summary>A client that connects must say hello and send its request within this time.</summary>
    private static readonly TimeSpan HandshakeTimeout = TimeSpan.FromSeconds(10);

    private readonly LoopbackStream _stream;
    private readonly IRequestHandler _handler;
    private readonly string _key;
    private readonly ServerLog _log;
    private readonly CancellationToken _serverStopping;

    public ClientSession(LoopbackStream stream, IRequestHandler handler, string key, ServerLog log, CancellationToken serverStopping)
    {
        _stream = stream;
        _handler = handler;
        _key = key;
        _log = log;
        _serverStopping = serverStopping;
    }

    public void Run()
    {
        try
        {
            _stream.SetNoDelay();
            Serve();
        }
        catch (Exception e) when (e is IOException or ProtocolException or ObjectDisposedException)
        {
            _log.Write($"client connection ended: {e.Message}");
        }
        catch (Exception e)
        {
            _log.Write($"internal error in a client connection: {e}");
        }
        finally
        {
            _stream.Dispose();
        }
    }

    private void Serve()
    {
        var reader = new FrameReader(_stream);
        var writer = new FrameWriter(_stream);
        _stream.ReceiveTimeout = HandshakeTimeout;

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
        _stream.ReceiveTimeout = TimeSpan.Zero;

        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(_serverStopping);
        var output = new FramedClientOutput(_stream, cancel);
        int code = ExitCode.InternalError;
        bool cancelled = false;
        try
        {
            code = Handle(request, output, cancel.Token);
            cancelled = cancel.IsCancellationRequested;   // before Exit: the client hangs up once it has it
        }
        finally
        {
            output.Finish(code);   // the link is done with the socket once this returns
        }
        _log.Write($"{request.Command} {string.Join(' ', request.Args)}: exit {code}{(cancelled ? " (cancelled)" : "")}");
        _stream.Shutdown();
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
}
