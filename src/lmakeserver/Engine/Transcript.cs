// LMAKE/outputs/<date>/<time>: a copy of what each lmake command printed, LMAKE/last_output the newest (A1).
using Lmake.Server.State;
using Lmake.Server.Transport;

namespace Lmake.Server.Engine;

public sealed class Transcript : IClientOutput, IDisposable
{
    private readonly IClientOutput _inner;
    private StreamWriter? _file;

    public Transcript(IClientOutput inner, LmakeDir lmakeDir, DateTime start)
    {
        _inner = inner;
        try
        {
            string dir = Path.Combine(lmakeDir.Outputs, start.ToString("yyyy-MM-dd"));
            Directory.CreateDirectory(dir);
            string name = start.ToString("HH:mm:ss.ffffff");
            string path = Path.Combine(dir, name);
            _file = new StreamWriter(path) { AutoFlush = false };
            string link = lmakeDir.LastOutput;
            string tmpLink = link + ".tmp";
            File.Delete(tmpLink);
            File.CreateSymbolicLink(tmpLink, Path.Combine(LmakeDir.OutputsFolder, start.ToString("yyyy-MM-dd"), name));
            File.Move(tmpLink, link, overwrite: true);
        }
        catch (IOException) { _file = null; }            // a transcript is a convenience: never fail a build for it
        catch (UnauthorizedAccessException) { _file = null; }
    }

    /// <summary>Passed on to the client, not kept: the transcript holds what a pipe would show.</summary>
    public void Progress(Lmake.Common.Protocol.ProgressReport report) => _inner.Progress(report);

    public void Out(string line)
    {
        _inner.Out(line);
        Keep(line);
    }

    public void Err(string line)
    {
        _inner.Err(line);
        Keep(line);
    }

    // a full disk stops the copy, never the build (the client still gets every line)
    private void Keep(string line)
    {
        lock (this)
        {
            try { _file?.WriteLine(line); }
            catch (IOException) { Drop(); }
        }
    }

    private void Drop()
    {
        try { _file?.Dispose(); }
        catch (IOException) { }
        _file = null;
    }

    public void Dispose()
    {
        lock (this) Drop();
    }
}
