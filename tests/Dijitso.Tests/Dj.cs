// Runs the installed dijitso (and other programs) as a user's shell would, on temporary directories.
using System.Diagnostics;
using System.Text;

namespace Dijitso.Tests;

public sealed record Result(int ExitCode, string Stdout, string Stderr)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Stdout}--- stderr\n{Stderr}";
    public string LastLine => Stdout.TrimEnd('\n').Split('\n')[^1];
}

public static class Dj
{
    public static string Root { get; } = FindRoot();
    public static string Exe => Path.Combine(Root, "bin", "dijitso");

    private static string FindRoot()
    {
        string? fromEnv = Environment.GetEnvironmentVariable("LMAKE_TEST_INSTALL");
        if (!string.IsNullOrEmpty(fromEnv)) return fromEnv;
        for (string? dir = AppContext.BaseDirectory; dir != null; dir = Path.GetDirectoryName(dir))
            if (File.Exists(Path.Combine(dir, "_install", ".stamp"))) return Path.Combine(dir, "_install");
        throw new InvalidOperationException("no _install/ found: run `make` first (or set LMAKE_TEST_INSTALL)");
    }

    /// <summary>The environment every run starts from: no config or cache setting leaks in from the machine.</summary>
    public static Dictionary<string, string?> CleanEnv(string home) => new()
    {
        ["HOME"] = home,
        ["DIJITSO_CACHE_DIR"] = null,
        ["DIJITSO_CONF"] = null,
        ["CXX"] = null,
        ["DIJITSO_LOCK"] = null,
        ["OMPI_COMM_WORLD_RANK"] = null, ["OMPI_COMM_WORLD_SIZE"] = null,
        ["PMI_RANK"] = null, ["PMI_SIZE"] = null, ["PMIX_RANK"] = null, ["SLURM_PROCID"] = null,
    };

    public static ProcessStartInfo Start(string file, IEnumerable<string> args, string cwd, IDictionary<string, string?>? env)
    {
        var psi = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true,
            UseShellExecute = false, WorkingDirectory = cwd,
        };
        foreach (string a in args) psi.ArgumentList.Add(a);
        psi.Environment["PATH"] = Path.Combine(Root, "bin") + ":" + Environment.GetEnvironmentVariable("PATH");
        if (env != null)
            foreach (var (k, v) in env)
                if (v is null) psi.Environment.Remove(k); else psi.Environment[k] = v;
        return psi;
    }

    public static Result Run(string file, IEnumerable<string> args, string cwd, IDictionary<string, string?>? env = null,
        string? stdin = null, int timeoutSeconds = 120)
    {
        using var p = Process.Start(Start(file, args, cwd, env))!;
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        p.OutputDataReceived += (_, e) => { if (e.Data != null) lock (stdout) stdout.Append(e.Data).Append('\n'); };
        p.ErrorDataReceived += (_, e) => { if (e.Data != null) lock (stderr) stderr.Append(e.Data).Append('\n'); };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        if (stdin != null) p.StandardInput.Write(stdin);
        p.StandardInput.Close();
        if (!p.WaitForExit(TimeSpan.FromSeconds(timeoutSeconds)))
        {
            p.Kill(entireProcessTree: true);
            p.WaitForExit();
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish in time\n{stdout}\n{stderr}");
        }
        p.WaitForExit();
        return new Result(p.ExitCode, stdout.ToString(), stderr.ToString());
    }

    public static Result Shell(string script, string cwd, IDictionary<string, string?>? env = null, int timeoutSeconds = 120) =>
        Run("/bin/bash", ["-c", script], cwd, env, null, timeoutSeconds);
}

/// <summary>A temporary directory with its own HOME (so no ~/.dijitso.conf of the machine applies) and a
/// default cache at ./cache.</summary>
public sealed class Sandbox : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("dijitso-test-").FullName;
    public Dictionary<string, string?> Env { get; }

    public Sandbox()
    {
        Directory.CreateDirectory(this["home"]);
        Env = Dj.CleanEnv(this["home"]);
    }

    public string this[string relative] => System.IO.Path.Combine(Path, relative);
    public string Cache => this["cache"];

    public string Write(string relative, string content)
    {
        string full = this[relative];
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        File.WriteAllText(full, content);
        return full;
    }

    /// <summary>Writes an executable shell script.</summary>
    public string Script(string relative, string content)
    {
        string full = Write(relative, content);
        File.SetUnixFileMode(full, (UnixFileMode)0x1ed /* 0755 */);
        return full;
    }

    public Result Dijitso(params string[] args) => Dj.Run(Dj.Exe, args, Path, Env);
    public Result DijitsoIn(string cwd, string? stdin, params string[] args) => Dj.Run(Dj.Exe, args, cwd, Env, stdin);
    public Result Sh(string script, int timeoutSeconds = 120) => Dj.Shell(script, Path, Env, timeoutSeconds);

    /// <summary>A compiler wrapper that records each call in count.log (then sleeps, to widen race windows).</summary>
    public string CountingCxx(double sleepSeconds = 0) =>
        Script("cxx-counting.sh", $"#!/bin/sh\necho $$ >> '{this["count.log"]}'\nsleep {sleepSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture)}\nexec c++ \"$@\"\n");

    public int CompileCount => File.Exists(this["count.log"]) ? File.ReadAllLines(this["count.log"]).Length : 0;

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (Exception) { /* a leftover temp dir must not fail a test */ }
    }
}
