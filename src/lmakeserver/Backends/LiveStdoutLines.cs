// `lmake -o`: the stdout of a job making an asked target, shown to the client line by line while the job
// runs: cut into whole lines here, shown by the engine (IJobHost.ShowStdoutLine).
using System.Text;

namespace Lmake.Server.Backends;

internal sealed class LiveStdoutLines
{
    private readonly IJobHost _host;
    private readonly SynchronizationContext _engine;
    // the bytes after the last newline: a line is decoded only once whole (a UTF-8 character may be cut)
    private readonly MemoryStream _partial = new();

    /// <param name="engine">The engine thread, where the host is called.</param>
    public LiveStdoutLines(IJobHost host, SynchronizationContext engine)
    {
        _host = host;
        _engine = engine;
    }

    /// <summary>For JobSpec.LiveStdout: called on the tracking thread, handed to the engine thread in the
    /// order it came, so that every piece is shown before the job's end is (also posted to the engine).</summary>
    public void OnChunk(byte[] chunk) => _engine.Post(_ => Append(chunk), null);

    private void Append(byte[] chunk)
    {
        int start = 0;
        for (int nl; (nl = Array.IndexOf(chunk, (byte)'\n', start)) >= 0; start = nl + 1)
        {
            if (_partial.Length > 0)
            {
                _partial.Write(chunk, start, nl - start);
                Show(_partial.GetBuffer().AsSpan(0, (int)_partial.Length));
                _partial.SetLength(0);
            }
            else Show(chunk.AsSpan(start, nl - start));
        }
        _partial.Write(chunk, start, chunk.Length - start);
    }

    /// <summary>On the engine thread, once the job has ended: a last line without a newline is shown too.</summary>
    public void Finish()
    {
        if (_partial.Length > 0) Show(_partial.GetBuffer().AsSpan(0, (int)_partial.Length));
        _partial.SetLength(0);
    }

    private void Show(ReadOnlySpan<byte> line) => _host.ShowStdoutLine(Encoding.UTF8.GetString(line));
}
