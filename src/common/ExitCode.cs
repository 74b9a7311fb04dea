// The exit codes of every lmake command (spec A6); `lmake --help` prints this table.
namespace Lmake.Common;

public static class ExitCode
{
    public const int Ok = 0;
    public const int BuildFailed = 1;      // some target could not be made
    public const int InternalError = 2;
    public const int BadConfig = 3;        // lcache_server: the cache dir's LMAKE/config.py cannot be read or holds an error
    public const int BadServer = 4;        // the server could not be started or reached
    public const int BadState = 5;         // e.g. sources changed while another lmake runs, corrupt store
    public const int Permission = 7;
    public const int BadLmakefile = 8;     // open-lmake returns 8 in practice, so do we
    public const int SyscallFailed = 10;
    public const int Usage = 11;           // bad option or argument, or an in-job command outside a job
    public const int BadCache = 12;        // lcache_repair, lcache_server: not a cache dir, or of another version
    public const int Interrupted = 130;    // the client was stopped by ^C (128 + SIGINT, as shells do)

    public const string Table =
        "exit codes:\n" +
        "  0   ok\n" +
        "  1   some target could not be made\n" +
        "  2   internal error\n" +
        "  4   the server could not be started or reached\n" +
        "  5   bad state (sources changed while another lmake runs, corrupt store: run lmake_repair)\n" +
        "  7   permission denied (a read-only repo among others)\n" +
        "  8   bad Lmakefile.py\n" +
        "  10  a system call failed (no space left on the device: free some, then run lmake again)\n" +
        "  11  usage error\n" +
        "  130 interrupted (^C): the command dies of SIGINT, as a shell reports it\n";
}
