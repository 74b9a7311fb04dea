// Real `mpirun -n 4` jobs with 1, 2 and 4 cache directories (rank % d), under Open MPI (mpirun.openmpi,
// libmpi.so.40: pointer handles) and MPICH (mpiexec.mpich, libmpich.so.12: integer handles): compile counts
// per mode, the process-mode error on a shared directory, a failing compile seen by every rank, and a
// launcher/library mismatch.
using System.Text.Json;

namespace Dijitso.Tests;

public class MpiTests
{
    private const int Ranks = 4;

    private static Dictionary<string, string?> MpiEnv(Sandbox s) => new(s.Env)
    {
        ["OMPI_ALLOW_RUN_AS_ROOT"] = "1",
        ["OMPI_ALLOW_RUN_AS_ROOT_CONFIRM"] = "1",
        ["OMPI_MCA_rmaps_base_oversubscribe"] = "1",
    };

    private const string OpenMpi = "/usr/bin/mpirun.openmpi", Mpich = "/usr/bin/mpiexec.mpich";

    /// <summary>Runs `LAUNCHER -n 4` of a script that calls dijitso jit with the cache directory c(rank % d).</summary>
    private static Result MpiJit(Sandbox s, int dirs, string mode, string source = "k.cpp", string sig = "mpi-sig",
        string launcher = OpenMpi, Dictionary<string, string?>? extraEnv = null)
    {
        Assert.True(File.Exists(launcher), $"{launcher} is missing: the Makefile installs openmpi-bin and mpich (APT_PACKAGES)");
        string cxx = s.CountingCxx(0.2);
        string script = s.Script("rank.sh",
            "#!/bin/sh\n" +
            $"exec '{Dj.Exe}' jit {sig} --source '{s[source]}' --cache-dir '{s.Path}/c'$((${{OMPI_COMM_WORLD_RANK:-$PMI_RANK}} % {dirs})) " +
            $"--cxx '{cxx}' --build-on {mode} --json\n");
        var env = MpiEnv(s);
        if (extraEnv != null) foreach (var (k, v) in extraEnv) env[k] = v;
        string[] args = launcher == OpenMpi ? ["--oversubscribe", "-n", Ranks.ToString(), script] : ["-n", Ranks.ToString(), script];
        return Dj.Run(launcher, args, s.Path, env, timeoutSeconds: 120);
    }

    private static List<string> Statuses(Result r) =>
        [.. r.Stdout.Split('\n').Where(l => l.StartsWith('{')).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("status").GetString()!).Order()];

    [Theory]
    [InlineData("node", 1, 1, OpenMpi)]
    [InlineData("node", 2, 2, OpenMpi)]
    [InlineData("node", 4, 4, OpenMpi)]
    [InlineData("root", 1, 1, OpenMpi)]
    [InlineData("root", 2, 1, OpenMpi)]
    [InlineData("root", 4, 1, OpenMpi)]
    [InlineData("process", 4, 4, OpenMpi)]
    [InlineData("node", 2, 2, Mpich)]
    [InlineData("root", 4, 1, Mpich)]
    [InlineData("process", 4, 4, Mpich)]
    public void CompileCounts(string mode, int dirs, int compiles, string launcher)
    {
        using var s = new Sandbox();
        s.Write("k.cpp", "extern \"C\" int add(int a, int b) { return a + b; }\n");
        Result r = MpiJit(s, dirs, mode, launcher: launcher);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(compiles, s.CompileCount);
        List<string> statuses = Statuses(r);
        Assert.Equal(Ranks, statuses.Count);
        Assert.Equal(compiles, statuses.Count(x => x == "built"));
        if (mode == "root") Assert.Equal(dirs - 1, statuses.Count(x => x == "received"));
        for (int d = 0; d < dirs; d++)
            Assert.True(File.Exists(Path.Combine(s.Path, $"c{d}", "lib", "libdijitso-mpi-sig.so")), $"c{d} has no library\n{r}");
        // A second job finds everything: no compile, every rank hits.
        Result again = MpiJit(s, dirs, mode, launcher: launcher);
        Assert.Equal(0, again.ExitCode);
        Assert.Equal(compiles, s.CompileCount);
        Assert.Equal(Enumerable.Repeat("hit", Ranks), Statuses(again));
    }

    [Theory]
    [InlineData(1, OpenMpi)]
    [InlineData(2, OpenMpi)]
    [InlineData(2, Mpich)]
    public void ProcessModeOnASharedDirectoryIsAnError(int dirs, string launcher)
    {
        using var s = new Sandbox();
        s.Write("k.cpp", "extern \"C\" int add(int a, int b) { return a + b; }\n");
        Result r = MpiJit(s, dirs, "process", launcher: launcher);
        Assert.NotEqual(0, r.ExitCode);
        Assert.Equal(0, s.CompileCount);
        Assert.Equal(Enumerable.Repeat("failed", Ranks), Statuses(r));
        Assert.Equal(Ranks, r.Stderr.Split('\n').Count(l => l.StartsWith("dijitso: --build-on process needs a cache directory per rank, but ranks ")));
    }

    [Theory]
    [InlineData("node", OpenMpi)]
    [InlineData("root", OpenMpi)]
    [InlineData("node", Mpich)]
    public void FailingCompileReachesEveryRank(string mode, string launcher)
    {
        using var s = new Sandbox();
        s.Write("bad.cpp", "extern \"C\" int add(int a, int b) { return a + ; }\n");
        Result r = MpiJit(s, 2, mode, "bad.cpp", "bad-sig", launcher);
        Assert.NotEqual(0, r.ExitCode);
        Assert.Equal(Enumerable.Repeat("failed", Ranks), Statuses(r));
        string message = $"dijitso: compiling bad-sig failed (exit 1); sources, recompile.sh and compiler output in {s["jitfailure-bad-sig"]}";
        Assert.Equal(Ranks, r.Stderr.Split('\n').Count(l => l.StartsWith(message)));
        Assert.True(File.Exists(s["jitfailure-bad-sig/recompile.sh"]));
        Assert.False(File.Exists(Path.Combine(s.Path, "c0", "lib", "libdijitso-bad-sig.so")));
    }

    [Fact]
    public void LauncherLibraryMismatchIsReported()
    {
        using var s = new Sandbox();
        s.Write("k.cpp", "extern \"C\" int add(int a, int b) { return a + b; }\n");
        // What a rank sees when the launcher is not the library's: the environment says 2 of 4, MPI says 0 of 1.
        var env = new Dictionary<string, string?>(MpiEnv(s)) { ["OMPI_COMM_WORLD_RANK"] = "2", ["OMPI_COMM_WORLD_SIZE"] = "4" };
        Result r = Dj.Run(Dj.Exe, ["jit", "mm", "--source", "k.cpp", "--cache-dir", s.Cache], s.Path, env, timeoutSeconds: 60);
        Assert.Equal(4, r.ExitCode);
        Assert.Contains("Open MPI started this process as rank 2 of 4 (OMPI_COMM_WORLD_SIZE), but libmpi.so.40 says rank 0 of 1: the MPI library does not match the launcher", r.Stderr);
    }

    [Fact]
    public void MpichLauncherWithOpenMpiLibraryIsReportedByEveryRank()
    {
        using var s = new Sandbox();
        s.Write("k.cpp", "extern \"C\" int add(int a, int b) { return a + b; }\n");
        Result r = MpiJit(s, 1, "node", launcher: Mpich, extraEnv: new() { ["DIJITSO_MPI_LIB"] = "libmpi.so.40" });
        Assert.NotEqual(0, r.ExitCode);
        Assert.Equal(Enumerable.Repeat("failed", Ranks), Statuses(r));
        for (int rank = 0; rank < Ranks; rank++)
            Assert.Contains($"MPICH/Hydra started this process as rank {rank} of 4 (PMI_SIZE), but libmpi.so.40 says rank 0 of 1", r.Stderr);
        Assert.Equal(0, s.CompileCount);
    }

    [Fact]
    public void WithoutMpiTheLauncherCanBeIgnored()
    {
        using var s = new Sandbox();
        s.Write("k.cpp", "extern \"C\" int add(int a, int b) { return a + b; }\n");
        var env = new Dictionary<string, string?>(s.Env) { ["OMPI_COMM_WORLD_RANK"] = "2", ["OMPI_COMM_WORLD_SIZE"] = "4", ["DIJITSO_MPI"] = "off" };
        Result r = Dj.Run(Dj.Exe, ["jit", "nompi", "--source", "k.cpp", "--cache-dir", s.Cache, "--build-on", "process"], s.Path, env);
        Assert.True(r.ExitCode == 0, r.ToString());
    }
}
