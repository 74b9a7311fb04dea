// The seam between the transport (sockets, clients, server lifetime) and the engine that serves requests.
namespace Lmake.Server.Transport;

/// <summary>One command sent by a client (lmake, lshow, ...), as the user typed it.</summary>
/// <param name="Command">the command name: "lmake", "lshow", "lforget", "lmark", "ldebug", "lcollect"...</param>
/// <param name="Args">its arguments, with $LMAKE_ARGS already prepended for lmake</param>
/// <param name="Cwd">the client's absolute working directory (file arguments are relative to it)</param>
/// <param name="RepoRoot">the absolute repo root the client found</param>
/// <param name="Environ">the client's environment (the engine may read $LMAKE_*, NO_COLOR, ...)</param>
/// <param name="StdoutIsTerminal">colours are allowed only when true and NO_COLOR is unset</param>
public sealed record ClientRequest(
    string Command,
    string[] Args,
    string Cwd,
    string RepoRoot,
    IReadOnlyDictionary<string, string> Environ,
    bool StdoutIsTerminal);

/// <summary>Where a request's output goes: the client prints Out lines on its stdout and Err lines on its
/// stderr, in order. Thread-safe. A line is given without its final '\n'.</summary>
public interface IClientOutput
{
    void Out(string line);
    void Err(string line);
    /// <summary>How far the request is (only for a client whose stdout is a terminal); an output that cannot carry
    /// it drops it.</summary>
    void Progress(Lmake.Common.Protocol.ProgressReport report) { }
}

/// <summary>Serves requests. Handle runs on a thread of its own per request and returns the client's exit
/// code; <paramref name="cancelled"/> fires when the client is gone (^C, killed, closed its socket).</summary>
public interface IRequestHandler
{
    int Handle(ClientRequest request, IClientOutput output, CancellationToken cancelled);
}

/// <summary>A handler that may have to stop the whole server (its state found damaged: serving on would spread
/// the damage). The host hands it its StopAccepting once it listens: no new client, and the server ends once the
/// requests under way have sent their answers.</summary>
public interface IServerStopper
{
    Action? StopServer { get; set; }
}
