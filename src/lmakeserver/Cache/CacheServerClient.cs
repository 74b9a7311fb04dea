// An lmake server's link to the lcache_server of one cache dir (the wire: CacheServerWire.cs). It connects on first
// use to the address DIR/LMAKE/server names; when nobody answers there and no process holds DIR/LMAKE/server.lock,
// it starts `bin/lcache_server --auto DIR` detached (its output appended to DIR/LMAKE/server.log), as lmake starts
// its own server, and waits for it. The connection is kept while this server lives (the daemon lives as long as one
// client is connected). A request whose connection broke is tried once more on a new one.
// When no daemon can be had (it cannot start: bad config.py, no rights on the dir...), the jobs of this dir run
// without the cache (no lookup, nothing stored) for a minute, then it is tried again; the reason is said once, as a
// notice (TakeNotice) the engine shows under the job's status line, and in the server's log.
using System.Net;
using Lmake.Common;
using Lmake.Common.Protocol;
using Lmake.Common.Sockets;

namespace Lmake.Server.Cache;

public sealed class CacheServerClient(string dir) : IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan RetryAfter = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan RespawnDelay = TimeSpan.FromMilliseconds(500);

    private readonly object _lock = new();
    private LoopbackStream? _stream;
    private StreamReader? _reader;
    private StreamWriter? _writer;
    private long _unavailableUntil;
    private string? _notice;
    private bool _told;

    public string Dir => dir;

    /// <summary>What to tell the user once (the daemon could not be had), then null.</summary>
    public string? TakeNotice()
    {
        lock (_lock)
        {
            string? n = _notice;
            _notice = null;
            return n;
        }
    }

    /// <summary>The answer lines of one request (a `runs` answer up to its `end`, excluded); null when no daemon
    /// answers (the jobs then run without this cache).</summary>
    public List<string[]>? Request(params string[] request)
    {
        lock (_lock)
        {
            for (int attempt = 0; attempt < 2; attempt++)
            {
                if (_stream is null && !Connect()) return null;
                try
                {
                    _writer!.Write(CacheServerWire.Line(request));
                    _writer.Flush();
                    var lines = new List<string[]>();
                    while (true)
                    {
                        string[] line = (_reader!.ReadLine() ?? throw new IOException("lcache_server closed the connection")).Split('\t');
                        if (request[0] != "runs") return [line];
                        if (line[0] == "end") return lines;
                        lines.Add(line);
                    }
                }
                catch (IOException) { Drop(); }
            }
            return null;
        }
    }

    private bool Connect()
    {
        if (Environment.TickCount64 < _unavailableUntil) return false;
        long deadline = Environment.TickCount64 + (long)StartTimeout.TotalMilliseconds;
        long? lastSpawn = null;
        int? spawned = null;
        string why = "it did not answer in time";
        int pause = 2;
        while (Environment.TickCount64 < deadline)
        {
            if (CacheServerWire.ReadAddress(dir) is { } address && TryHandshake(address)) return true;
            if (spawned is int pid && DetachedSpawn.TryGetExitCode(pid, out int code))
            {
                spawned = null;
                if (code != ExitCode.Ok)
                {
                    why = $"it exited with code {code}{LogTail()}";
                    break;
                }
            }
            try
            {
                // one started at a time: the next only once it has exited (lost the race for the lock, or died)
                if (spawned is null && (lastSpawn is null || Environment.TickCount64 - lastSpawn >= RespawnDelay.TotalMilliseconds)
                    && !FileLock.IsHeld(CacheServerWire.LockFile(dir)))
                {
                    string exe = Path.Combine(InstallLayout.Current.Bin, "lcache_server");
                    spawned = DetachedSpawn.Start(exe, ["--auto", dir], dir, CacheServerWire.LogFile(dir));
                    lastSpawn = Environment.TickCount64;
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                why = e.Message;
                break;
            }
            Thread.Sleep(pause);
            pause = Math.Min(pause * 2, 50);
        }
        _unavailableUntil = Environment.TickCount64 + (long)RetryAfter.TotalMilliseconds;
        string message = $"cache {dir}: lcache_server cannot be had ({why}): jobs run without this cache";
        Console.Error.WriteLine(message);
        if (!_told) _notice = message;
        _told = true;
        return false;
    }

    private string LogTail()
    {
        try
        {
            string[] lines = File.ReadAllLines(CacheServerWire.LogFile(dir));
            return lines.Length > 0 ? ": " + lines[^1] : "";
        }
        catch (IOException) { return ""; }
        catch (UnauthorizedAccessException) { return ""; }
    }

    private bool TryHandshake((string Host, int Port, string Key) address)
    {
        try
        {
            var stream = LoopbackStream.Connect(new IPEndPoint(AddressOf(address.Host), address.Port));
            stream.SetNoDelay();
            stream.ReceiveTimeout = TimeSpan.FromSeconds(10);
            _stream = stream;
            _reader = CacheServerWire.Reader(stream);
            _writer = CacheServerWire.Writer(stream);
            _writer.Write(CacheServerWire.Line(CacheServerWire.Greeting, address.Key));
            _writer.Flush();
            if (_reader.ReadLine() == "ok")
            {
                stream.ReceiveTimeout = TimeSpan.FromMinutes(5);   // a commit may take away many runs
                return true;
            }
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or InvalidOperationException) { }
        Drop();
        return false;
    }

    /// <summary>This host's own server on the loopback; another host's by its name.</summary>
    private static IPAddress AddressOf(string host)
    {
        string me = Environment.MachineName;
        if (host == me || host.StartsWith(me + ".", StringComparison.Ordinal)) return IPAddress.Loopback;
        return Dns.GetHostAddresses(host).First(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork);
    }

    private void Drop()
    {
        _reader?.Dispose();
        try { _writer?.Dispose(); }   // (flushes what is left: nothing, or into a broken connection)
        catch (IOException) { }
        _stream?.Dispose();
        _stream = null;
        _reader = null;
        _writer = null;
    }

    public void Dispose()
    {
        lock (_lock) Drop();
    }
}
