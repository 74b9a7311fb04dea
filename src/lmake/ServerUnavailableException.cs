// The client could neither reach nor start the server of its repo: exit code 4 (ExitCode.BadServer).
namespace Lmake.Client;

internal sealed class ServerUnavailableException : Exception
{
    public ServerUnavailableException(string message) : base(message) { }
}
