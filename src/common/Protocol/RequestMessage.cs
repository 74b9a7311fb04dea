// The Request message: one command as the user typed it, with what the server needs of the client's context.
namespace Lmake.Common.Protocol;

/// <param name="Command">the command name ("lmake", "lshow"...)</param>
/// <param name="Args">its arguments ($LMAKE_ARGS already prepended for lmake)</param>
/// <param name="Cwd">the client's absolute working directory</param>
/// <param name="RepoRoot">the absolute repo root the client found</param>
/// <param name="Environ">the client's environment</param>
/// <param name="StdoutIsTerminal">whether the client's stdout is a terminal (colours)</param>
public sealed record RequestMessage(
    string Command,
    string[] Args,
    string Cwd,
    string RepoRoot,
    IReadOnlyDictionary<string, string> Environ,
    bool StdoutIsTerminal)
{
    public PayloadWriter Encode()
    {
        var w = new PayloadWriter().String(Command).Strings(Args).String(Cwd).String(RepoRoot);
        w.Int(Environ.Count);
        foreach (var (k, v) in Environ) w.String(k).String(v);
        return w.Bool(StdoutIsTerminal);
    }

    public static RequestMessage Decode(Frame frame)
    {
        if (frame.Kind != MessageKind.Request) throw new ProtocolException($"expected a request, got {frame.Kind}");
        PayloadReader r = frame.Reader();
        string command = r.String();
        string[] args = r.Strings();
        string cwd = r.String();
        string root = r.String();
        int count = r.Int();
        if (count < 0) throw new ProtocolException($"bad environment size {count}");
        var environ = new Dictionary<string, string>(Math.Min(count, 4096), StringComparer.Ordinal);
        for (int i = 0; i < count; i++)
        {
            string k = r.String();
            environ[k] = r.String();
        }
        bool terminal = r.Bool();
        if (!r.AtEnd) throw new ProtocolException("request longer than its content");
        return new RequestMessage(command, args, cwd, root, environ, terminal);
    }

    /// <summary>The current process's environment, as a client sends it.</summary>
    public static Dictionary<string, string> CurrentEnviron()
    {
        var environ = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (System.Collections.DictionaryEntry e in Environment.GetEnvironmentVariables())
            if (e.Key is string k && e.Value is string v) environ[k] = v;
        return environ;
    }
}
