// The server side of one admin request on a read-only repo (spec C: "each answers on a read-only repo when
// no server needs to write"): no server runs and none can publish itself in LMAKE/, so the client starts
// `_bin/lmakeserver --read-only --repo ROOT` on pipes (its stdin/stdout carry the usual frames, without the
// hello: the pipes are private to this client). That process opens the store read-only and writes nothing.
using System.Diagnostics;
using Lmake.Common;
using Lmake.Common.Protocol;

namespace Lmake.Client;

internal static class ReadOnlyServer
{
    /// <summary>No server runs, and none could start: LMAKE/ (or the repo, before any LMAKE/) is not writable,
    /// or has no write permission bit at all (`chmod -R a-w`: what its owner wants, even when root could write).</summary>
    public static bool Applies(ServerFiles files)
    {
        if (files.ReadAddress() is { } address && Directory.Exists($"/proc/{address.Pid}")) return false;
        string dir = Directory.Exists(files.AdminDir) ? files.AdminDir : files.RepoRoot;
        return !Writable(dir);
    }

    private static bool Writable(string dir) =>
        Libc.Access(dir, W_OK) == 0 && (File.GetUnixFileMode(dir) & (UnixFileMode.UserWrite | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite)) != 0;

    private const int W_OK = 2;

    public static ServerConnection Start(ServerFiles files)
    {
        string exe = Path.Combine(InstallLayout.Current.PrivateBin, "lmakeserver");
        if (!File.Exists(exe)) throw new ServerUnavailableException($"cannot find {exe}");
        var psi = new ProcessStartInfo(exe)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = false,   // its messages go straight to the user
            UseShellExecute = false,
            WorkingDirectory = files.RepoRoot,
        };
        foreach (string a in new[] { "--read-only", "--repo", files.RepoRoot }) psi.ArgumentList.Add(a);
        Process p;
        try { p = Process.Start(psi) ?? throw new ServerUnavailableException($"cannot start {exe}"); }
        catch (System.ComponentModel.Win32Exception e) { throw new ServerUnavailableException($"cannot start {exe}: {e.Message}"); }
        return new ServerConnection(null, p.StandardOutput.BaseStream, p.StandardInput.BaseStream, p);
    }
}
