// The in-job Python API (lmake.depend, target, check_deps, encode, decode, xxhsum_file, Autodep) runs the
// installed commands next to the package: checked here with stand-in commands that log their arguments.
using System.Diagnostics;

namespace Lmake.Rules.Tests;

public class JobApiTests
{
    [Fact]
    public void EachCallRunsTheMatchingCommandWithItsFlags()
    {
        string root = Path.Combine(Path.GetTempPath(), "lmake-jobapi-" + Guid.NewGuid().ToString("N")[..10]);
        try
        {
            Directory.CreateDirectory(Path.Combine(root, "bin"));
            Directory.CreateDirectory(Path.Combine(root, "lib"));
            Directory.CreateSymbolicLink(Path.Combine(root, "lib", "lmake"), Path.GetFullPath(Path.Combine(TestLayout.Layout.Lib, "lmake")));
            string log = Path.Combine(root, "log");
            foreach (string cmd in new[] { "ldepend", "ltarget", "lcheck_deps", "lencode", "ldecode", "xxhsum" })
            {
                string answer = cmd switch { "xxhsum" => "0123456789abcdef-R f", "lencode" => "c0de", "ldecode" => "value", _ => "" };
                string path = Path.Combine(root, "bin", cmd);
                File.WriteAllText(path, $"#!/bin/sh\necho \"{cmd} $*\" >> {log}\necho '{answer}'\n");
                File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
            string script = """
                import lmake, os
                lmake.depend('a', 'b', critical=True, required=False)
                lmake.target('t', incremental=True, phony=True)
                lmake.check_deps(sync=True)
                print(lmake.encode('v', 'tab', 'ctx', 3))
                print(lmake.decode('c0de', 'tab', 'ctx'), end='')
                print(lmake.xxhsum_file('f'))
                with lmake.Autodep(False):
                    print(os.environ['LMAKE_AUTODEP_ENABLE'], lmake.get_autodep())
                print(os.environ['LMAKE_AUTODEP_ENABLE'], lmake.get_autodep())
                """;
            var psi = new ProcessStartInfo("python3") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = root };
            psi.ArgumentList.Add("-c");
            psi.ArgumentList.Add(script);
            psi.Environment["PYTHONPATH"] = Path.Combine(root, "lib");
            using Process p = Process.Start(psi)!;
            string stderr = p.StandardError.ReadToEnd();
            string stdout = p.StandardOutput.ReadToEnd();
            p.WaitForExit();
            Assert.True(p.ExitCode == 0, stderr);
            Assert.Equal("c0de\nvalue\n0123456789abcdef-R\n0 False\n1 True\n", stdout);
            Assert.Equal(["ldepend -c -r -- a b", "ltarget -i -p -- t", "lcheck_deps -s", "lencode -t tab -x ctx -l 3",
                          "ldecode -t tab -x ctx -c c0de", "xxhsum f"], File.ReadAllLines(log));
        }
        finally { Directory.Delete(root, recursive: true); }
    }
}
