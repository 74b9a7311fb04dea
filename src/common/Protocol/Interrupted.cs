// The exit code of a command stopped by ^C, as shells report a death by SIGINT (128 + 2).
namespace Lmake.Common.Protocol;

public static class Interrupted
{
    public const int ExitCode = Lmake.Common.ExitCode.Interrupted;
}
