// A C++ program, compiled here, that asks dijitso for a library, dlopens it and calls into it: the user's case.
namespace Dijitso.Tests;

public class HostTests
{
    [Fact]
    public void CppHostJitsLoadsAndCalls()
    {
        using var s = new Sandbox();
        s.Write("kernel.cpp", "extern \"C\" int axpy(int a, int x) { return a * x + 1; }\n");
        s.Env["DIJITSO_CACHE_DIR"] = s.Cache; // the host passes no --cache-dir: the environment chooses
        Result first = Dj.Run(CppHost.Exe, ["k1", "kernel.cpp", "axpy", "6", "7"], s.Path, s.Env);
        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Equal("axpy(6, 7) = 43\n", first.Stdout);
        Assert.True(File.Exists(Path.Combine(s.Cache, "lib", "libdijitso-k1.so")));
        // Second run: a hit, same answer; removing the source proves nothing is recompiled.
        File.Delete(s["kernel.cpp"]);
        Result second = Dj.Run(CppHost.Exe, ["k1", "kernel.cpp", "axpy", "2", "3"], s.Path, s.Env);
        Assert.Equal("axpy(2, 3) = 7\n", second.Stdout);
    }
}
