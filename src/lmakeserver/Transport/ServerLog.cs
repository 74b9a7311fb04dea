// The server's log: time-stamped lines on a writer (LMAKE/server.log when detached, a test's sink in tests).
namespace Lmake.Server.Transport;

public sealed class ServerLog
{
    private readonly TextWriter? _writer;
    private readonly object _lock = new();

    public ServerLog(TextWriter? writer) => _writer = writer;

    public static ServerLog None { get; } = new(null);

    public void Write(string line)
    {
        if (_writer is null) return;
        lock (_lock)
        {
            _writer.WriteLine($"{DateTime.Now:HH:mm:ss.fff} {line}");
            _writer.Flush();
        }
    }
}
