// `lmake -o`: the stdout of a job making an asked target, shown to the client line by line while the job
// runs. Lines are tab-indented like the job's stderr (spec A6: only status lines start with a word character).
using System.Text;

namespace Lmake.Server.Engine;

internal sealed class LiveStdoutLines
{
    private readonly MakeRequest _req;
    private readonly SynchronizationContext _engine;
    // the bytes after the last newline: a line is decoded only once whole (a UTF-8 character may be cut)
    private readonly MemoryStream _partial = new();

    /// <param name="engine">The engine thread, which owns the request's output.</param>
    public LiveStdoutLines(MakeRequest req, SynchronizationContext engine)
    {
        _req = req;
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

    private void Show(ReadOnlySpan<byte> line)
    {
        if (_req.Finished) return;   // the request this job ran for is over (a job shared with a later one)
        _req.Output.Out(StatusLine.StderrLine(Encoding.UTF8.GetString(line)));
    }
}
