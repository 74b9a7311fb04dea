// Runs a child process and collects what it prints; used for the compiler and the generator command.
using System.Diagnostics;
using System.Text;

namespace Dijitso.Build;

public sealed record ProcessOutput(int ExitCode, byte[] Stdout, string Stderr);

public static class ProcessRunner
{
    /// <summary>Runs argv[0] with the rest as arguments. <paramref name="passStderr"/> lets the child write to our
    /// stderr directly (a generator's messages), otherwise stderr is captured (the compiler's diagnostics).</summary>
    public static ProcessOutput Run(IReadOnlyList<string> argv, bool passStderr = false, IDictionary<string, string>? env = null)
    {
        var psi = new ProcessStartInfo(argv[0])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = !passStderr,
            RedirectStandardInput = false,
            UseShellExecute = false,
        };
        for (int i = 1; i < argv.Count; i++) psi.ArgumentList.Add(argv[i]);
        if (env != null) foreach (var (k, v) in env) psi.Environment[k] = v;
        Process p;
        try { p = Process.Start(psi)!; }
        catch (System.ComponentModel.Win32Exception e)
        {
            return new ProcessOutput(127, [], $"dijitso: cannot run {argv[0]}: {e.Message}\n");
        }
        using (p)
        {
            Task<string>? stderr = passStderr ? null : p.StandardError.ReadToEndAsync();
            var stdout = new MemoryStream();
            p.StandardOutput.BaseStream.CopyTo(stdout);
            p.WaitForExit();
            return new ProcessOutput(p.ExitCode, stdout.ToArray(), stderr?.Result ?? "");
        }
    }

    public static string Text(byte[] bytes) => Encoding.UTF8.GetString(bytes);
}
