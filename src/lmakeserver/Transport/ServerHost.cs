// Listens on loopback for clients and serves each on a thread of its own (a parked one reused, see
// ParkedThreads), until no client has been connected for a grace period (the server exits when its last
// client is gone, spec A9). The thread that runs RunUntilIdle accepts the clients itself.
using System.Net;
using Lmake.Common.Sockets;

namespace Lmake.Server.Transport;

public sealed class ServerHost : IDisposable
{
    private readonly IRequestHandler _handler;
    private readonly string _key;
    private readonly TimeSpan _idleGrace;
    private readonly ServerLog _log;
    private readonly LoopbackListener _listener;
    private readonly CancellationTokenSource _stopping = new();
    private readonly object _gate = new();
    private int _activeClients;
    private long _lastActivity = Environment.TickCount64;
    private bool _stopped;
    private bool _closing;   // StopAccepting: no new client, and the server ends once the current ones are served
    private bool _everConnected;
    private bool _running;
    private readonly ManualResetEventSlim _ended = new(false, 0);

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
        _listener = new LoopbackListener();   // clients that connect from now on wait in its backlog
        EndPoint = new IPEndPoint(IPAddress.Loopback, _listener.Port);
    }

    /// <summary>127.0.0.1 and the port the system chose.</summary>
    public IPEndPoint EndPoint { get; }

    public int ActiveClients
    {
        get { lock (_gate) return _activeClients; }
    }

    /// <summary>Until its first client, a server waits at least this long: the client that started it must
    /// have time to connect even with a zero grace (else a start, exit, start... loop).</summary>
    public static readonly TimeSpan FirstClientGrace = TimeSpan.FromSeconds(5);

    /// <summary>How long a stopped server waits for the sessions it cancelled to send their answers.</summary>
    public static readonly TimeSpan SessionDrain = TimeSpan.FromSeconds(10);

    /// <summary>Accepts and serves clients until none has been connected for the grace period (counted from
    /// the start too, see FirstClientGrace: a server whose starter died exits), or until Stop. The listener
    /// is closed when it returns, so a late client is refused and starts a server of its own.</summary>
    public void RunUntilIdle()
    {
        lock (_gate)
        {
            if (_running) throw new InvalidOperationException("the server already runs");
            _running = true;
        }
        try
        {
            while (true)
            {
                int timeout;
                lock (_gate)
                {
                    if (_stopped || (_closing && _activeClients == 0)) break;
                    long idleFor = Environment.TickCount64 - _lastActivity;
                    TimeSpan grace = _everConnected || _idleGrace > FirstClientGrace ? _idleGrace : FirstClientGrace;
                    long left = (long)grace.TotalMilliseconds - idleFor;
                    if (_activeClients == 0 && left <= 0) break;
                    timeout = _activeClients == 0 ? (int)Math.Clamp(left, 1, int.MaxValue) : Timeout.Infinite;
                }
                if (_listener.Accept(timeout) is { } client) Serve(client);
            }
        }
        finally
        {
            lock (_gate)
            {
                _stopped = true;
                // stopped with requests under way (lmake_repair, a store that cannot grow): their sessions, cancelled,
                // still send the line and exit code their handler returns before the process ends (else the client
                // says the server closed the connection and exits 4 instead of the request's own code)
                long deadline = Environment.TickCount64 + (long)SessionDrain.TotalMilliseconds;
                for (long left; _activeClients > 0 && (left = deadline - Environment.TickCount64) > 0;)
                    Monitor.Wait(_gate, (int)left);
            }
            _listener.Dispose();
            _ended.Set();
        }
    }

    private void Serve(LoopbackStream client)
    {
        lock (_gate)
        {
            if (_stopped || _closing)
            {
                client.Dispose();
                return;
            }
            _activeClients++;
            _everConnected = true;
        }
        var session = new ClientSession(client, _handler, _key, _log, _stopping.Token);
        ParkedThreads.Run(() => RunSession(session), "client");
    }

    /// <summary>Takes no new client, and makes RunUntilIdle return once the requests being served have sent their
    /// answers (not cancelled: a request that found the store unusable ends with its own message and exit code).</summary>
    public void StopAccepting()
    {
        lock (_gate) _closing = true;
        _listener.Wake();
    }

    /// <summary>Stops accepting, cancels the requests being served and makes RunUntilIdle return.</summary>
    public void Stop()
    {
        lock (_gate) _stopped = true;
        try { _stopping.Cancel(); } catch (ObjectDisposedException) { }
        _listener.Wake();
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
                Monitor.PulseAll(_gate);   // a stopping server waits for its sessions to end
            }
            _listener.Wake();   // the idle grace may start now
        }
    }

    /// <summary>Stops, and waits for RunUntilIdle (if it runs on another thread) to return.</summary>
    public void Dispose()
    {
        Stop();
        bool running;
        lock (_gate) running = _running;
        if (running) _ended.Wait();
        _listener.Dispose();
        _stopping.Dispose();
    }
}
