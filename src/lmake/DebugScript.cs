// ldebug's last step, in the client because it owns the user's terminal: run the script the server wrote
// (LMAKE/debug/<id>/script) with the client's stdin, stdout and stderr, and exit with its status.
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Lmake.Client;

internal static class DebugScript
{
    /// <summary>How the server names the script (Admin/Ldebug.ScriptLinePrefix).</summary>
    public const string LinePrefix = "script : ";

    public static int Run(string script)
    {
        var psi = new ProcessStartInfo("/bin/bash") { UseShellExecute = false };
        psi.ArgumentList.Add(script);
        // ^C on the terminal reaches the script (same process group): it decides; ldebug waits for its status
        using var intr = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => c.Cancel = true);
        using Process p = Process.Start(psi) ?? throw new IOException($"cannot run {script}");
        p.WaitForExit();
        return p.ExitCode;
    }
}
