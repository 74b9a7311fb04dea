// Listens on loopback for clients and serves each on a thread of its own (a parked one reused, see ParkedThreads), until no client has been
// connected for a grace period (the server exits when its last client is gone, spec A9).
using System.Net;
using System.Net.Sockets;

namespace Lmake.Server.Transport;

public sealed class ServerHost : IDisposable
{
    private readonly IRequestHandler _handler;
    private readonly string _key;
    private readonly TimeSpan _idleGrace;
    private readonly ServerLog _log;
    private readonly Socket _listener;
    private readonly CancellationTokenSource _stopping = new();
    private readonly object _gate = new();
    private int _activeClients;
    private long _lastActivity = Environment.TickCount64;
    private bool _stopped;
    private bool _everConnected;
    private Thread? _acceptThread;

    /// <param name="handler">serves each request</param>
    /// <param name="key">the key clients must send in their hello</param>
    /// <param name="idleGrace">how long the server waits, with no client, before it stops</param>
    /// <param name="log">where connections and errors are logged</param>
    public ServerHost(IRequestHandler handler, string key, TimeSpan idleGrace, ServerLog log)
    {
        _handler = handler;
        _key = key;
        _idleGrace = idleGrace;
        _log = log;
        _listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen(128);
        EndPoint = (IPEndPoint)_listener.LocalEndPoint!;
    }

    /// <summary>127.0.0.1 and the port the system chose.</summary>
    public IPEndPoint EndPoint { get; }

    public int ActiveClients
    {
        get { lock (_gate) return _activeClients; }
    }

    public void Start()
    {
        _acceptThread = new Thread(AcceptLoop) { IsBackground = true, Name = "accept" };
        _acceptThread.Start();
    }

    /// <summary>Until its first client, a server waits at least this long: the client that started it must
    /// have time to connect even with a zero grace (else a start, exit, start... loop).</summary>
    public static readonly TimeSpan FirstClientGrace = TimeSpan.FromSeconds(5);

    /// <summary>Blocks until no client has been connected for the grace period (counted from the start
    /// too, see FirstClientGrace: a server whose starter died exits), or until Stop. The listener is closed when it returns, so
    /// a late client is refused and starts a server of its own.</summary>
    public void RunUntilIdle()
    {
        lock (_gate)
        {
            while (!_stopped)
            {
                long idleFor = Environment.TickCount64 - _lastActivity;
                TimeSpan grace = _everConnected || _idleGrace > FirstClientGrace ? _idleGrace : FirstClientGrace;
                long left = (long)grace.TotalMilliseconds - idleFor;
                if (_activeClients == 0 && left <= 0) break;
                Monitor.Wait(_gate, _activeClients == 0 ? (int)Math.Max(left, 1) : Timeout.Infinite);
            }
            _stopped = true;
        }
        _listener.Close();
        _acceptThread?.Join();
    }

    /// <summary>Stops accepting, cancels the requests being served and makes RunUntilIdle return.</summary>
    public void Stop()
    {
        lock (_gate)
        {
            _stopped = true;
            Monitor.PulseAll(_gate);
        }
        try { _stopping.Cancel(); } catch (ObjectDisposedException) { }
        _listener.Close();
    }

    private void AcceptLoop()
    {
        while (true)
        {
            Socket client;
            try { client = _listener.Accept(); }
            catch (Exception e) when (e is SocketException or ObjectDisposedException) { return; }
            lock (_gate)
            {
                if (_stopped)
                {
                    client.Close();
                    return;
                }
                _activeClients++;
                _everConnected = true;
            }
            var session = new ClientSession(client, _handler, _key, _log, _stopping.Token);
            ParkedThreads.Run(() => RunSession(session), "client");
        }
    }

    private void RunSession(ClientSession session)
    {
        try
        {
            session.Run();
        }
        finally
        {
            lock (_gate)
            {
                _activeClients--;
                _lastActivity = Environment.TickCount64;
                Monitor.PulseAll(_gate);
            }
        }
    }

    public void Dispose()
    {
        Stop();
        _stopping.Dispose();
    }
}
