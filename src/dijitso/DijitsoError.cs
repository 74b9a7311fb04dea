// The exit codes of dijitso and the one exception that carries a user-facing message to the top of a command.
namespace Dijitso;

public static class DijitsoExit
{
    public const int Ok = 0;
    public const int BuildFailed = 1;    // the generator or the compiler failed (see the jitfailure-SIG directory)
    public const int Internal = 2;
    public const int BadConfig = 3;      // a .dijitso.conf file or an environment value is wrong
    public const int Parallel = 4;       // MPI could not be used as asked (library/launcher mismatch, shared dir in process mode)
    public const int NotFound = 5;       // a signature or file asked for is not in the cache
    public const int Usage = 11;         // bad option or argument (the lmake convention)

    public const string Table =
        "exit codes:\n" +
        "  0   ok\n" +
        "  1   the generator or the compiler failed (grep: no match)\n" +
        "  2   internal error\n" +
        "  3   bad configuration (.dijitso.conf or environment)\n" +
        "  4   MPI could not be used as asked\n" +
        "  5   not in the cache\n" +
        "  11  usage error\n";
}

/// <summary>A failure the user can act on: its message is printed as is, without a stack trace.</summary>
public sealed class DijitsoError(int exitCode, string message) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}
