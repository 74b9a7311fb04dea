// An authenticated connection to the server of a repo (the hello was accepted).
using System.Net.Sockets;
using Lmake.Common.Protocol;

namespace Lmake.Client;

internal sealed class ServerConnection : IDisposable
{
    public ServerConnection(Socket socket, NetworkStream stream)
    {
        Socket = socket;
        Stream = stream;
        Reader = new FrameReader(stream);
        Writer = new FrameWriter(stream);
    }

    public Socket Socket { get; }
    public NetworkStream Stream { get; }
    public FrameReader Reader { get; }
    public FrameWriter Writer { get; }

    public void Dispose() => Stream.Dispose();
}
