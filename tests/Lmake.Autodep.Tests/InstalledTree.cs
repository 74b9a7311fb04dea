// The installed tree under test (`make test` exports LMAKE_TEST_INSTALL) and a way to run its commands
// and capture what a user would see.
using System.Diagnostics;

namespace Lmake.Autodep.Tests;

public sealed record RunResult(int ExitCode, string Stdout, string Stderr)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Stdout}--- stderr\n{Stderr}";

    private static readonly System.Text.RegularExpressions.Regex KindsField = new("^[RSLDXWUMN]+!?$");

    /// <summary>lautodep's listing: name -> kinds letters (the lines after the command's own output that
    /// look like `KINDS NAME`).</summary>
    public Dictionary<string, string> Listing()
    {
        var result = new Dictionary<string, string>();
        foreach (string line in Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            int sp = line.IndexOf(' ');
            if (sp > 0 && KindsField.IsMatch(line[..sp])) result[line[(sp + 1)..]] = line[..sp];
        }
        return result;
    }
}

public static class InstalledTree
{
    public static string Root { get; } = FindRoot();
    public static string Lautodep => Path.Combine(Root, "bin", "lautodep");
    public static string Shim => Path.Combine(Root, "_lib", "libautodep.so");

    private static string FindRoot()
    {
        string? fromEnv = Environment.GetEnvironmentVariable("LMAKE_TEST_INSTALL");
        if (!string.IsNullOrEmpty(fromEnv)) return fromEnv;
        for (string? dir = AppContext.BaseDirectory; dir != null; dir = Path.GetDirectoryName(dir))
            if (File.Exists(Path.Combine(dir, "_install", ".stamp"))) return Path.Combine(dir, "_install");
        throw new InvalidOperationException("no _install/ found: run `make` first (or set LMAKE_TEST_INSTALL)");
    }

    public static RunResult Run(string file, IEnumerable<string> args, string cwd, TimeSpan? timeout = null)
    {
        var psi = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true,
            UseShellExecute = false, WorkingDirectory = cwd,
        };
        foreach (string a in args) psi.ArgumentList.Add(a);
        psi.Environment.Remove("LD_PRELOAD");
        using var p = Process.Start(psi)!;
        p.StandardInput.Close();
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(timeout ?? TimeSpan.FromMinutes(1)))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish in time");
        }
        return new RunResult(p.ExitCode, stdout.Result, stderr.Result);
    }
}

/// <summary>A temporary repo (a dir with Lmakefile.py), canonical path, removed afterwards.</summary>
public sealed class TempRepo : IDisposable
{
    public string Path { get; }

    public TempRepo()
    {
        string dir = Directory.CreateTempSubdirectory("lmake-autodep-").FullName;
        // The shim names files from canonical paths: make the repo's own path canonical too.
        Path = new DirectoryInfo(dir).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? dir;
        Write("Lmakefile.py", "");
    }

    public string this[string relative] => System.IO.Path.Combine(Path, relative);

    public void Write(string relative, string content)
    {
        string full = this[relative];
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        File.WriteAllText(full, content);
    }

    public RunResult Lautodep(params string[] args) => InstalledTree.Run(InstalledTree.Lautodep, args, Path);

    public RunResult Shell(string script) => InstalledTree.Run("/bin/bash", ["-c", script], Path);

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
