// An installed command started in the background, for tests that act while it runs (^C, two at once).
using System.Diagnostics;
using System.Text;
using Lmake.EndToEnd.Tests;

namespace Lmake.Transport.Tests.EndToEnd;

internal sealed class ClientProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();

    public ClientProcess(string command, string cwd, IDictionary<string, string?>? env, params string[] args)
    {
        var psi = new ProcessStartInfo(Installed.Bin(command))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = cwd,
        };
        foreach (string a in args) psi.ArgumentList.Add(a);
        psi.Environment.Remove("LMAKE_ARGS");
        if (env != null)
            foreach (var (k, v) in env)
                if (v is null) psi.Environment.Remove(k); else psi.Environment[k] = v;
        _process = Process.Start(psi)!;
        _process.OutputDataReceived += (_, e) => { if (e.Data != null) lock (_stdout) _stdout.Append(e.Data).Append('\n'); };
        _process.ErrorDataReceived += (_, e) => { if (e.Data != null) lock (_stderr) _stderr.Append(e.Data).Append('\n'); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        _process.StandardInput.Close();
    }

    public int Pid => _process.Id;

    public string StdoutSoFar
    {
        get { lock (_stdout) return _stdout.ToString(); }
    }

    public void Signal(string name) => Assert.Equal(0, Installed.Run("/bin/kill", [$"-{name}", Pid.ToString()]).ExitCode);

    public CommandResult WaitForExit(TimeSpan timeout)
    {
        if (!_process.WaitForExit(timeout))
        {
            _process.Kill(entireProcessTree: true);
            Assert.Fail($"{_process.StartInfo.FileName} did not finish in {timeout}\n{_stdout}\n{_stderr}");
        }
        _process.WaitForExit();
        return new CommandResult(_process.ExitCode, _stdout.ToString(), _stderr.ToString());
    }

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.Dispose();
    }
}
