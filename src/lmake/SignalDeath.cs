// How a command stopped by ^C (or SIGTERM) ends: by the signal itself, as well-behaved Unix tools do, so that
// its caller sees a death by SIGINT (a shell shows 130, Python's returncode is -2) and can stop in turn, rather
// than an exit code it would have to know. Called once the server's last lines are written out.
using System.Runtime.InteropServices;
using Lmake.Common;

namespace Lmake.Client;

internal static partial class SignalDeath
{
    public const int SIGINT = 2, SIGTERM = 15;
    private const nint SIG_DFL = 0;

    [LibraryImport("libc", EntryPoint = "signal")]
    private static partial nint Signal(int signal, nint handler);

    [LibraryImport("libc", EntryPoint = "raise")]
    private static partial int Raise(int signal);

    /// <summary>Ends the process by <paramref name="signal"/>: its default action restored first (.NET's handler
    /// would catch it). Never returns; if the signal could not end us, exits 128 + signal as a shell would show it.</summary>
    public static void Die(int signal)
    {
        Console.Out.Flush();
        Console.Error.Flush();
        Signal(signal, SIG_DFL);
        Raise(signal);
        Thread.Sleep(100);   // a signal raised by another thread than the one it targets may take a moment
        Environment.Exit(signal == SIGINT ? ExitCode.Interrupted : 128 + signal);
    }
}
