// Where the client writes what the server sends: stdout or stderr, buffered, as raw bytes (the server's lines are
// UTF-8 already).
namespace Lmake.Client;

/// <summary>A buffered raw output; a closed pipe (`lmake | head`) silences it rather than failing the request.</summary>
internal sealed class OutputSink
{
    private readonly BufferedStream _stream;
    private readonly object _lock = new();
    private bool _closed;

    public OutputSink(Stream stream) => _stream = new BufferedStream(stream, 1 << 16);

    public void WriteLine(ReadOnlySpan<byte> line)
    {
        lock (_lock)
        {
            if (_closed) return;
            try
            {
                _stream.Write(line);
                _stream.WriteByte((byte)'\n');
            }
            catch (IOException) { _closed = true; }
        }
    }

    /// <summary>Bytes with no end of line (a terminal's control sequences, a line still being drawn).</summary>
    public void Write(ReadOnlySpan<byte> bytes)
    {
        lock (_lock)
        {
            if (_closed) return;
            try { _stream.Write(bytes); }
            catch (IOException) { _closed = true; }
        }
    }

    public void Flush()
    {
        lock (_lock)
        {
            if (_closed) return;
            try { _stream.Flush(); }
            catch (IOException) { _closed = true; }
        }
    }
}
