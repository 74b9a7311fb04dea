// IClientOutput over a client's connection: each line becomes an Out or Err message. A client that is gone
// makes further lines vanish quietly (and cancels the request): the engine must not fail for it.
using System.Text;
using Lmake.Common.Protocol;

namespace Lmake.Server.Transport;

internal sealed class FramedClientOutput : IClientOutput
{
    private readonly FrameWriter _writer;
    private readonly CancellationTokenSource _clientGone;
    private volatile bool _broken;

    public FramedClientOutput(FrameWriter writer, CancellationTokenSource clientGone)
    {
        _writer = writer;
        _clientGone = clientGone;
    }

    public bool Broken => _broken;

    public void Out(string line) => Send(MessageKind.Out, line);

    public void Err(string line) => Send(MessageKind.Err, line);

    public void Send(MessageKind kind, string line) => Send(kind, Encoding.UTF8.GetBytes(line));

    public void Send(MessageKind kind, ReadOnlySpan<byte> payload)
    {
        if (_broken) return;
        try
        {
            _writer.Write(kind, payload);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or System.Net.Sockets.SocketException)
        {
            _broken = true;
            try { _clientGone.Cancel(); } catch (ObjectDisposedException) { }
        }
    }
}
