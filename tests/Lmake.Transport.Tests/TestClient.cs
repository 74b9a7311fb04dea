// A minimal client of the wire protocol, to drive a ServerHost from tests the way bin/lmake does.
using System.Net;
using System.Net.Sockets;
using System.Text;
using Lmake.Common.Protocol;

namespace Lmake.Transport.Tests;

internal sealed class TestClient : IDisposable
{
    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    public FrameReader Reader { get; }
    public FrameWriter Writer { get; }

    public TestClient(IPEndPoint server)
    {
        _socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        _socket.Connect(server);
        _socket.ReceiveTimeout = 20_000;
        _stream = new NetworkStream(_socket, ownsSocket: true);
        Reader = new FrameReader(_stream);
        Writer = new FrameWriter(_stream);
    }

    /// <summary>Sends the hello; returns null when welcome, else the refusal's reason.</summary>
    public string? Hello(string key)
    {
        Writer.Write(MessageKind.Hello, Lmake.Common.Protocol.Hello.Encode(key));
        Frame? f = Reader.Read();
        Assert.NotNull(f);
        if (f.Value.Kind == MessageKind.Welcome) return null;
        Assert.Equal(MessageKind.Refused, f.Value.Kind);
        return f.Value.Reader().String();
    }

    public void Request(string command, params string[] args) =>
        Writer.Write(MessageKind.Request, new RequestMessage(command, args, "/tmp", "/tmp",
            new Dictionary<string, string> { ["USER_VAR"] = "v" }, false).Encode());

    /// <summary>Reads until Exit: the lines as "out:TEXT" / "err:TEXT", then the code.</summary>
    public (List<string> Lines, int Code) ReadAnswer()
    {
        var lines = new List<string>();
        while (true)
        {
            Frame? f = Reader.Read();
            Assert.NotNull(f);
            switch (f.Value.Kind)
            {
                case MessageKind.Out: lines.Add("out:" + Encoding.UTF8.GetString(f.Value.Payload.Span)); break;
                case MessageKind.Err: lines.Add("err:" + Encoding.UTF8.GetString(f.Value.Payload.Span)); break;
                case MessageKind.Exit: return (lines, f.Value.Reader().Int());
                default: Assert.Fail($"unexpected {f.Value.Kind}"); break;
            }
        }
    }

    /// <summary>True when the server closed the connection (read gives end of stream or a reset).</summary>
    public bool ClosedByServer()
    {
        try { return Reader.Read() is null; }
        catch (ProtocolException) { return true; }
        catch (IOException) { return true; }
    }

    public void Dispose() => _stream.Dispose();
}
