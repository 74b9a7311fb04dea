// dijitso builders killed at random: plain processes and the ranks of an `mpirun` job ask for one signature in one
// cache at once; whichever plain process builds is kill -9'ed at a random moment of its compile, again and again:
// the library is never seen torn (a watcher reads it all along), every process not killed ends 0 with it, and it
// loads and runs.
using System.Diagnostics;
using System.Text.Json;
using Dijitso.Tests;
using Lmake.EndToEnd.Tests;
using Xunit.Abstractions;

namespace Lmake.Faults.Tests;

public class DijitsoKillTests(ITestOutputHelper output)
{
    private const int Plain = 4, Ranks = 3, KillsPerRound = 2;
    private const string OpenMpi = "/usr/bin/mpirun.openmpi";

    [Fact]
    public async Task KilledBuildersNeverLeaveATornLibrary()
    {
        Assert.True(File.Exists(OpenMpi), $"{OpenMpi} is missing: the Makefile installs openmpi-bin (APT_PACKAGES)");
        int rounds = FaultReport.Rounds(@short: 2);
        var random = new Random(31);
        var problems = new List<string>();
        int killed = 0, torn = 0, finished = 0;
        for (int round = 0; round < rounds; round++)
        {
            using var s = new Sandbox();
            int constant = random.Next(1000);
            s.Write("k.cpp", $"extern \"C\" int add(int a, int b) {{ return a + b + {constant}; }}\n");
            string cxx = s.CountingCxx(0.4);
            string sig = $"faults-{round}";
            string lib = Path.Combine(s.Cache, "lib", $"libdijitso-{sig}.so");
            var env = new Dictionary<string, string?>(s.Env)
            {
                ["CXX"] = cxx,
                ["OMPI_ALLOW_RUN_AS_ROOT"] = "1", ["OMPI_ALLOW_RUN_AS_ROOT_CONFIRM"] = "1", ["OMPI_MCA_rmaps_base_oversubscribe"] = "1",
            };
            var watch = new LibraryWatch(lib);
            var plain = Enumerable.Range(0, Plain)
                .Select(_ => Process.Start(Dj.Start(Dj.Exe, ["jit", sig, "--source", "k.cpp", "--cache-dir", s.Cache, "--json"], s.Path, env))!).ToList();
            string rank = s.Script("rank.sh", $"#!/bin/sh\nexec '{Dj.Exe}' jit {sig} --source '{s["k.cpp"]}' --cache-dir '{s.Cache}' --build-on node --json\n");
            Process mpi = Process.Start(Dj.Start(OpenMpi, ["--allow-run-as-root", "--oversubscribe", "-n", Ranks.ToString(), rank], s.Path, env))!;
            var outputs = plain.Append(mpi).Select(p => (p, Out: p.StandardOutput.ReadToEndAsync(), Err: p.StandardError.ReadToEndAsync())).ToList();
            foreach (Process p in plain.Append(mpi)) p.StandardInput.Close();
            // kill the plain process that is compiling, at a random moment of its compile
            var victims = new HashSet<Process>();
            var sw = Stopwatch.StartNew();
            while (victims.Count < KillsPerRound && sw.Elapsed < TimeSpan.FromSeconds(30) && plain.Any(p => !p.HasExited))
            {
                Process? builder = plain.FirstOrDefault(p => !p.HasExited && !victims.Contains(p) && Processes.ChildrenOf(p.Id).Count > 0);
                if (builder == null) { Thread.Sleep(5); continue; }
                Thread.Sleep(random.Next(0, 450));
                Processes.Kill9(builder.Id);
                victims.Add(builder);
                killed++;
            }
            string what = $"round {round} ({victims.Count} builders killed)";
            foreach (var (p, outText, errText) in outputs)
            {
                if (!p.WaitForExit(120_000)) { problems.Add($"{what}: a process hung"); p.Kill(entireProcessTree: true); continue; }
                p.WaitForExit();
                string stdout = await outText, stderr = await errText;
                if (victims.Contains(p)) continue;
                string name = p == mpi ? "the mpirun job" : $"process {p.Id}";
                if (p.ExitCode != 0) { problems.Add($"{what}: {name} ended {p.ExitCode}\n{stdout}{stderr}"); continue; }
                finished++;
                foreach (string line in stdout.Split('\n').Where(l => l.StartsWith('{')))
                    if (JsonDocument.Parse(line).RootElement.GetProperty("path").GetString() != lib)
                        problems.Add($"{what}: {name} was given another path: {line}");
            }
            List<long> seen = watch.Stop();
            long size = File.Exists(lib) ? new FileInfo(lib).Length : -1;
            int tornHere = seen.Count(n => n != size);
            torn += tornHere;
            if (tornHere > 0) problems.Add($"{what}: the library was seen torn {tornHere} times (sizes {string.Join(' ', seen.Distinct())}, final {size})");
            CommandResult run = Installed.Run("python3", ["-c", $"import ctypes; print(ctypes.CDLL('{lib}').add(1, 2))"], s.Path);
            if (run.Stdout != $"{3 + constant}\n") problems.Add($"{what}: the library does not run right\n{run}");
        }
        FaultReport.Write(output, $"dijitso builders killed: {rounds} rounds of {Plain} processes and {Ranks} MPI ranks on one signature, " +
            $"builders killed {killed}, processes finished {finished}; torn libraries seen {torn}, failures: {problems.Count}");
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    /// <summary>Reads the library all along while the round runs: every time it exists, the sizes seen (a torn one
    /// shows as a size other than the final one, or as a negative size when it is no ELF file).</summary>
    private sealed class LibraryWatch
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly Task<List<long>> _seen;

        public LibraryWatch(string path)
        {
            _seen = Task.Run(() =>
            {
                var sizes = new List<long>();
                while (!_stop.IsCancellationRequested)
                {
                    try
                    {
                        byte[] bytes = File.ReadAllBytes(path);
                        sizes.Add(bytes.Length >= 4 && bytes[0] == 0x7f && bytes[1] == 'E' ? bytes.Length : -bytes.Length - 1);
                    }
                    catch (IOException) { }
                    Thread.Sleep(2);
                }
                return sizes;
            });
        }

        public List<long> Stop()
        {
            _stop.Cancel();
            return _seen.Result;
        }
    }
}
