// A temporary repo holding an Lmakefile.py, read through the real reader (read_makefiles.py): of the
// installed tree under `make test` (LMAKE_TEST_INSTALL), else of the source tree laid out like an install.
using System.Diagnostics;
using Lmake.Common;
using Lmake.Server.Rules;

namespace Lmake.Rules.Tests;

public sealed class LmakefileRepo : IDisposable
{
    public string Root { get; }

    public LmakefileRepo(string lmakefile, params (string Name, string Content)[] files)
    {
        Root = Path.Combine(Path.GetTempPath(), "lmake-rules-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Root);
        Write("Lmakefile.py", lmakefile);
        foreach (var (name, content) in files) Write(name, content);
    }

    public void Write(string name, string content)
    {
        string path = Path.Combine(Root, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
    }

    public Makefiles Read() => Makefiles.Read(Root, TestLayout.Layout);

    public LmakefileException ReadFails() => Assert.Throws<LmakefileException>(() => Read());

    /// <summary>Runs the reader as the server does, for what a user sees on stderr and the exit code.</summary>
    public (int Exit, string Stdout, string Stderr) RunReader()
    {
        var psi = new ProcessStartInfo("python3") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = Root };
        psi.ArgumentList.Add(Path.Combine(TestLayout.Layout.PrivateLib, "read_makefiles.py"));
        psi.ArgumentList.Add(Root);
        using Process p = Process.Start(psi)!;
        Task<string> err = p.StandardError.ReadToEndAsync();
        string output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, output, err.Result);
    }

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { }
    }
}

public static class TestLayout
{
    public static InstallLayout Layout { get; } = Find();

    private static InstallLayout Find()
    {
        string? installed = Environment.GetEnvironmentVariable("LMAKE_TEST_INSTALL");
        if (!string.IsNullOrEmpty(installed)) return new InstallLayout(installed);
        for (string? dir = AppContext.BaseDirectory; dir != null; dir = Path.GetDirectoryName(dir))
        {
            string python = Path.Combine(dir, "src", "python");
            if (!Directory.Exists(Path.Combine(python, "_lib"))) continue;
            // lib/lmake and _lib/ side by side, as installed, pointing at the sources
            string root = Path.Combine(Path.GetTempPath(), "lmake-rules-layout-" + Environment.ProcessId);
            Directory.CreateDirectory(Path.Combine(root, "lib"));
            string lmake = Path.Combine(root, "lib", "lmake");
            if (!Directory.Exists(lmake)) Directory.CreateSymbolicLink(lmake, Path.Combine(python, "lmake"));
            string privateLib = Path.Combine(root, "_lib");
            if (!Directory.Exists(privateLib)) Directory.CreateSymbolicLink(privateLib, Path.Combine(python, "_lib"));
            return new InstallLayout(root);
        }
        throw new InvalidOperationException("neither LMAKE_TEST_INSTALL nor src/python found");
    }
}
