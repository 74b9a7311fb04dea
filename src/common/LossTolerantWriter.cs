// A writer over a standard stream that loses what the device refuses instead of throwing. The server's stderr is
// LMAKE/server.log: on a full disk a log line cannot be written, and an exception thrown by the line that reports a
// failure (from a catch block, often on a thread of its own) used to end the server in the middle of a request,
// which its client saw as a lost connection (issue 15). A process must not die because its log cannot be written;
// what it tells its client still goes over the socket, and its exit code still says what happened.
using System.Text;

namespace Lmake.Common;

public sealed class LossTolerantWriter : TextWriter
{
    private readonly Stream _stream;
    private readonly Encoder _encoder = new UTF8Encoding(false).GetEncoder();
    private readonly object _lock = new();
    private readonly byte[] _bytes = new byte[4096];

    public LossTolerantWriter(Stream stream) => _stream = stream;

    public override Encoding Encoding => Encoding.UTF8;

    /// <summary>Bytes the device refused since the start (0 when every write went through).</summary>
    public long Lost { get; private set; }

    /// <summary>Makes the process's stdout and stderr lose what cannot be written rather than throw.</summary>
    public static void InstallOnConsole()
    {
        Console.SetOut(new LossTolerantWriter(Console.OpenStandardOutput()));
        Console.SetError(new LossTolerantWriter(Console.OpenStandardError()));
    }

    public override void Write(char value) => Write([value]);

    public override void Write(string? value) => Write(value.AsSpan());

    public override void Write(char[] buffer, int index, int count) => Write(buffer.AsSpan(index, count));

    // every write goes to the device at once, as the console's own writer does (a log read while the server runs)
    public override void Write(ReadOnlySpan<char> chars)
    {
        lock (_lock)
        {
            while (true)
            {
                _encoder.Convert(chars, _bytes, flush: false, out int used, out int produced, out _);
                try { _stream.Write(_bytes, 0, produced); }
                catch (IOException) { Lost += produced; }
                chars = chars[used..];
                if (chars.IsEmpty) return;   // a lone high surrogate waits in the encoder for its pair
            }
        }
    }

    public override void WriteLine(string? value)
    {
        lock (_lock)
        {
            Write(value.AsSpan());
            Write(CoreNewLine.AsSpan());
        }
    }

    public override void Flush()
    {
        lock (_lock)
        {
            try { _stream.Flush(); }
            catch (IOException) { }
        }
    }
}
