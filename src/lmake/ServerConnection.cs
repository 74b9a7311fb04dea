// A connection to the server side of a repo: an authenticated socket to the running server, or the pipes of
// a read-only lmakeserver this client started for one request (ReadOnlyServer).
using Lmake.Common.Protocol;
using Lmake.Common.Sockets;

namespace Lmake.Client;

internal sealed class ServerConnection : IDisposable
{
    private readonly Stream _in, _out;
    private readonly IDisposable? _owner;

    public ServerConnection(LoopbackStream socket) : this(socket, socket, socket, null) { }

    /// <param name="owner">what to dispose with the connection (a child process)</param>
    public ServerConnection(LoopbackStream? socket, Stream fromServer, Stream toServer, IDisposable? owner)
    {
        Socket = socket;
        _in = fromServer;
        _out = toServer;
        _owner = owner;
        Reader = new FrameReader(fromServer);
        Writer = new FrameWriter(toServer);
    }

    /// <summary>null over pipes.</summary>
    public LoopbackStream? Socket { get; }
    public FrameReader Reader { get; }
    public FrameWriter Writer { get; }

    /// <summary>Bytes already received and not read yet (0 when unknown): output is flushed when none wait.</summary>
    public int Available => Socket?.Available ?? 0;

    public void Dispose()
    {
        _in.Dispose();
        if (!ReferenceEquals(_in, _out)) _out.Dispose();
        _owner?.Dispose();
    }
}
