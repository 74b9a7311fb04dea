// The in-job Python API outside a job: lmake.depend & co talk to the job's channel ($LMAKE_JOB_CHANNEL), so
// outside a job each call fails with one clear Python exception instead of doing nothing silently. Inside
// jobs the API is tested end to end in JobCommandTests and in tests/Lmake.Autodep.Tests.
using System.Diagnostics;

namespace Lmake.EndToEnd.Tests;

public class PythonJobApiOutsideAJobTests
{
    [Theory]
    [InlineData("lmake.depend('a')")]
    [InlineData("lmake.target('t')")]
    [InlineData("lmake.check_deps()")]
    [InlineData("lmake.encode('tab', 'ctx', 'v', 3)")]
    [InlineData("lmake.decode('tab', 'ctx', 'c0de')")]
    public void ACallRaisesAClearError(string call)
    {
        using var dir = new TempDir();
        string script = "import lmake\ntry:\n    " + call + "\nexcept lmake.JobCommandError as e:\n    print('refused:', e)\n";
        var psi = new ProcessStartInfo("python3") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = dir.Path };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(script);
        psi.Environment["PYTHONPATH"] = Path.Combine(Installed.Root, "lib");
        psi.Environment.Remove("LMAKE_JOB_CHANNEL");
        using Process p = Process.Start(psi)!;
        string stderr = p.StandardError.ReadToEnd();
        string stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, stderr);
        Assert.Matches(@"^refused: (\w+: )?not inside an lmake job", stdout);
    }
}
