// lmake_repair, client side: it must not run beside a server (both would write the store), so it refuses
// while one runs, else it runs `_bin/lmakeserver --repair --repo ROOT` on the user's terminal (that process
// takes the server lock for the whole repair, so no server starts meanwhile); with --check, `... --check`.
using System.Diagnostics;
using Lmake.Common;
using Lmake.Common.Protocol;

namespace Lmake.Client;

internal static class Repair
{
    /// <param name="check">--check: `lmakeserver --repair --check`, which only checks the store (StoreCheck).</param>
    public static int Run(ServerFiles files, bool check)
    {
        if (FileLock.IsHeld(files.LockFile))
        {
            Console.Error.WriteLine($"lmake_repair: a server runs for {files.RepoRoot}: wait for the lmake commands of this repo to end, then retry");
            return ExitCode.BadState;
        }
        string exe = Path.Combine(InstallLayout.Current.PrivateBin, "lmakeserver");
        if (!File.Exists(exe)) throw new ServerUnavailableException($"cannot find {exe}");
        var psi = new ProcessStartInfo(exe) { UseShellExecute = false, WorkingDirectory = files.RepoRoot };
        foreach (string a in new[] { "--repair", "--repo", files.RepoRoot }) psi.ArgumentList.Add(a);
        if (check) psi.ArgumentList.Add("--check");
        using Process p = Process.Start(psi) ?? throw new ServerUnavailableException($"cannot start {exe}");
        p.WaitForExit();
        return p.ExitCode;
    }
}
