// The installed tree the end-to-end tests drive (`make test` exports LMAKE_TEST_INSTALL), and a way to run
// its commands the way a user's shell would.
using System.Diagnostics;
using System.Text;

namespace Lmake.EndToEnd.Tests;

public sealed record CommandResult(int ExitCode, string Stdout, string Stderr)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Stdout}--- stderr\n{Stderr}";
}

public static class Installed
{
    public static string Root { get; } = FindRoot();

    public static string Bin(string name) => Path.Combine(Root, "bin", name);
    public static string PrivateBin(string name) => Path.Combine(Root, "_bin", name);

    private static string FindRoot()
    {
        string? fromEnv = Environment.GetEnvironmentVariable("LMAKE_TEST_INSTALL");
        if (!string.IsNullOrEmpty(fromEnv)) return fromEnv;
        // Outside `make test`: the _install/ of the checkout these tests were built from.
        for (string? dir = AppContext.BaseDirectory; dir != null; dir = Path.GetDirectoryName(dir))
            if (File.Exists(Path.Combine(dir, "_install", ".stamp"))) return Path.Combine(dir, "_install");
        throw new InvalidOperationException("no _install/ found: run `make` first (or set LMAKE_TEST_INSTALL)");
    }

    /// <summary>Runs <paramref name="file"/> with <paramref name="args"/>, with the installed bin/ first on
    /// PATH, and waits for it (killing its whole tree after <paramref name="timeout"/>).</summary>
    public static CommandResult Run(string file, IEnumerable<string> args, string? cwd = null,
        IDictionary<string, string?>? env = null, string? stdin = null, TimeSpan? timeout = null)
    {
        var psi = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = cwd ?? Environment.CurrentDirectory,
        };
        foreach (string a in args) psi.ArgumentList.Add(a);
        psi.Environment["PATH"] = Path.Combine(Root, "bin") + ":" + Environment.GetEnvironmentVariable("PATH");
        psi.Environment.Remove("LMAKE_ARGS");
        if (env != null)
            foreach (var (k, v) in env)
                if (v is null) psi.Environment.Remove(k); else psi.Environment[k] = v;
        using var p = Process.Start(psi)!;
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        p.OutputDataReceived += (_, e) => { if (e.Data != null) lock (stdout) stdout.Append(e.Data).Append('\n'); };
        p.ErrorDataReceived += (_, e) => { if (e.Data != null) lock (stderr) stderr.Append(e.Data).Append('\n'); };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        if (stdin != null) p.StandardInput.Write(stdin);
        p.StandardInput.Close();
        if (!p.WaitForExit(timeout ?? TimeSpan.FromMinutes(2)))
        {
            p.Kill(entireProcessTree: true);
            p.WaitForExit();
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish in time\n{stdout}\n{stderr}");
        }
        p.WaitForExit();
        return new CommandResult(p.ExitCode, stdout.ToString(), stderr.ToString());
    }

    /// <summary>Runs an installed command of bin/ by name.</summary>
    public static CommandResult Command(string name, params string[] args) => Run(Bin(name), args);

    public static CommandResult Shell(string script, string? cwd = null, IDictionary<string, string?>? env = null) =>
        Run("/bin/bash", ["-c", script], cwd, env);
}
