// The processes of a build as a fault case sees them: the lmake client it starts, the repo's server (LMAKE/server),
// the jobs (the server's children), and kill -9 of any of them.
using System.Diagnostics;
using Lmake.EndToEnd.Tests;

namespace Lmake.Faults.Tests;

public static class Processes
{
    /// <summary>`lmake ARGS` in the repo, running on its own (its output read as it comes, so it never blocks).</summary>
    public static Process StartLmake(TempRepo repo, params string[] args) => StartLmake(repo, null, args);

    /// <summary>The same, its stderr lines kept in <paramref name="stderr"/>.</summary>
    public static Process StartLmake(TempRepo repo, System.Text.StringBuilder? stderr, params string[] args)
    {
        var psi = new ProcessStartInfo(Installed.Bin("lmake"))
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = repo.Path,
        };
        foreach (string a in args) psi.ArgumentList.Add(a);
        psi.Environment.Remove("LMAKE_ARGS");
        Process p = Process.Start(psi)!;
        p.OutputDataReceived += (_, _) => { };
        p.ErrorDataReceived += (_, e) => { if (e.Data != null && stderr != null) lock (stderr) stderr.AppendLine(e.Data); };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        return p;
    }

    /// <summary>The pid of the repo's server, if one is published.</summary>
    public static int? ServerPid(TempRepo repo) => ServerPid(repo.Path);

    public static int? ServerPid(string repoRoot)
    {
        try
        {
            string[] lines = File.ReadAllLines(Path.Combine(repoRoot, "LMAKE/server"));
            return lines.Length > 1 && int.TryParse(lines[1], out int pid) ? pid : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
    }

    /// <summary>The live children of a process (for the server: its jobs).</summary>
    public static List<int> ChildrenOf(int parent)
    {
        var children = new List<int>();
        foreach (string dir in Directory.GetDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out int pid)) continue;
            try
            {
                string stat = File.ReadAllText(Path.Combine(dir, "stat"));
                string[] f = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');   // state ppid ...
                if (f[0] != "Z" && int.Parse(f[1]) == parent) children.Add(pid);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException) { }
        }
        return children;
    }

    /// <summary>The processes working in the repo (their cwd in it): the server, its jobs, a client.</summary>
    public static List<int> WorkingIn(string repoRoot)
    {
        var found = new List<int>();
        string prefix = Path.GetFullPath(repoRoot).TrimEnd('/') + "/";
        foreach (string dir in Directory.GetDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out int pid) || pid == Environment.ProcessId) continue;
            try
            {
                string? cwd = new DirectoryInfo(Path.Combine(dir, "cwd")).LinkTarget;
                if (cwd != null && (cwd + "/").StartsWith(prefix, StringComparison.Ordinal) && IsAlive(pid)) found.Add(pid);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        }
        return found;
    }

    /// <summary>Waits until no process works in the repo any more: those still there after the timeout.</summary>
    public static List<int> WaitNoneWorkingIn(string repoRoot, TimeSpan timeout)
    {
        var sw = Stopwatch.StartNew();
        while (true)
        {
            List<int> left = WorkingIn(repoRoot);
            if (left.Count == 0 || sw.Elapsed > timeout) return left;
            Thread.Sleep(100);
        }
    }

    /// <summary>A process's command line, for a message.</summary>
    public static string CommandLine(int pid)
    {
        try { return File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ').Trim(); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return "?"; }
    }

    public static void Kill9(int pid)
    {
        try { Process.GetProcessById(pid).Kill(); } catch (ArgumentException) { } catch (InvalidOperationException) { }
    }

    /// <summary>Alive and not a zombie (an exited process nobody reaped).</summary>
    public static bool IsAlive(int pid)
    {
        try { return File.ReadAllText($"/proc/{pid}/stat").Split(')')[^1].Trim()[0] != 'Z'; }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return false; }
    }

    /// <summary>Waits for the repo's server to exit (idle), so that its files are closed: false after the timeout.</summary>
    public static bool WaitServerGone(TempRepo repo, TimeSpan timeout) => WaitServerGone(repo.Path, timeout);

    public static bool WaitServerGone(string repoRoot, TimeSpan timeout)
    {
        var sw = Stopwatch.StartNew();
        string serverLock = Path.Combine(repoRoot, "LMAKE/server.lock");
        while (sw.Elapsed < timeout)
        {
            if (ServerPid(repoRoot) is not int pid || !IsAlive(pid))
                if (!File.Exists(serverLock) || !Lmake.Common.Protocol.FileLock.IsHeld(serverLock)) return true;
            Thread.Sleep(50);
        }
        return false;
    }
}
