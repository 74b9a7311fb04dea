// The client could neither reach nor start the server of its repo: exit code 4 (ExitCode.BadServer), or 5
// (ExitCode.BadState) when the server refused to start on a damaged store.
namespace Lmake.Client;

internal sealed class ServerUnavailableException : Exception
{
    public ServerUnavailableException(string message, int exitCode = Lmake.Common.ExitCode.BadServer) : base(message) => ExitCode = exitCode;

    /// <summary>What the client exits with.</summary>
    public int ExitCode { get; }
}
