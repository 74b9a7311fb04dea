// bench-tracking: what dependency tracking costs per access. One job, a C program that stats (even i) or
// opens and closes (odd i) N distinct files of a repo, runs as a tracked job (TrackedJob, as lmakeserver
// runs jobs) under autodep none, ld_preload and ptrace (the same program, and a static build of it under
// ptrace). The program times its own loop; the best of RUNS runs is kept. Usage: INSTALL_DIR WORK_DIR [N] [RUNS]
using System.Diagnostics;
using System.Globalization;
using Lmake.Autodep;

string install = Path.GetFullPath(args[0]);
string work = Path.GetFullPath(args[1]);
int n = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 100_000;
int runs = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 3;
TrackedJob.ShimPath = Path.Combine(install, "_lib", "libautodep.so");

string repo = Path.Combine(work, "repo");
string bin = Path.Combine(work, "bin");
if (Directory.Exists(work)) Directory.Delete(work, recursive: true);
Directory.CreateDirectory(repo);
Directory.CreateDirectory(bin);
const int PerDir = 1000;
for (int i = 0; i < n; i++)
{
    if (i % PerDir == 0) Directory.CreateDirectory(Path.Combine(repo, $"d{i / PerDir}"));
    File.WriteAllBytes(Path.Combine(repo, $"d{i / PerDir}", $"f{i % PerDir}"), []);
}
File.WriteAllText(Path.Combine(bin, "acc.c"), $$"""
    #include <fcntl.h>
    #include <stdio.h>
    #include <stdlib.h>
    #include <sys/stat.h>
    #include <time.h>
    #include <unistd.h>
    int main(int argc, char **argv) {
        int n = atoi(argv[1]); struct stat st; char name[64];
        struct timespec a, b; clock_gettime(CLOCK_MONOTONIC, &a);
        for (int i = 0; i < n; i++) {
            snprintf(name, sizeof name, "d%d/f%d", i / {{PerDir}}, i % {{PerDir}});
            if (i & 1) { int fd = open(name, O_RDONLY); if (fd < 0) return 1; close(fd); }
            else if (stat(name, &st) != 0) return 1;
        }
        clock_gettime(CLOCK_MONOTONIC, &b);
        printf("%.1f\n", (b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec));
        return 0;
    }
    """);
var gcc = Process.Start(new ProcessStartInfo("/bin/sh", ["-c", "gcc -O2 -o acc acc.c && gcc -O2 -static -o acc-static acc.c"]) { WorkingDirectory = bin })!;
gcc.WaitForExit();
if (gcc.ExitCode != 0) { Console.Error.WriteLine("bench-tracking: gcc failed"); return 1; }

(double PerAccessUs, double WallS) Measure(AutodepMethod method, string program)
{
    double best = double.MaxValue, bestWall = double.MaxValue;
    for (int run = 0; run <= runs; run++)  // run 0 warms up (page cache, JIT of the tracer)
    {
        var spec = new JobSpec
        {
            Argv = [Path.Combine(bin, program), n.ToString(CultureInfo.InvariantCulture)],
            Cwd = repo, RepoRoot = repo, Method = method,
            Environment = new Dictionary<string, string> { ["PATH"] = "/usr/bin:/bin" },
        };
        var o = TrackedJob.Start(spec).Completion.GetAwaiter().GetResult();
        if (o.ExitCode != 0) throw new InvalidOperationException($"{method} {program}: exit {o.ExitCode}: {o.Stderr}");
        int seen = o.Accesses.Count(a => a.Name.StartsWith('d'));
        if (method != AutodepMethod.None && seen != n) throw new InvalidOperationException($"{method} {program}: {seen} accesses recorded, {n} made");
        if (run == 0) continue;
        best = Math.Min(best, double.Parse(o.Stdout.Trim(), CultureInfo.InvariantCulture) / n / 1000);
        bestWall = Math.Min(bestWall, o.Wall.TotalSeconds);
    }
    return (best, bestWall);
}

var rows = new (string Name, AutodepMethod Method, string Program)[]
{
    ("none", AutodepMethod.None, "acc"),
    ("ld_preload", AutodepMethod.LdPreload, "acc"),
    ("ptrace", AutodepMethod.Ptrace, "acc"),
    ("ptrace (static)", AutodepMethod.Ptrace, "acc-static"),
};
var results = rows.Select(r => (r.Name, Result: Measure(r.Method, r.Program))).ToList();
double none = results[0].Result.PerAccessUs;
Console.WriteLine($"tracking cost: one job, {n} accesses (stat, or open+close, of distinct files), best of {runs}");
Console.WriteLine($"{"method",-16} {"per access",11} {"over none",10} {"x none",7} {"job wall",9}");
foreach (var (name, (us, wall)) in results)
{
    string over = name == "none" ? "-" : $"{us - none:F2} us";
    Console.WriteLine($"{name,-16} {us,8:F2} us {over,10} {us / none,7:F1} {wall,7:F2} s");
}

// What starting a job costs under each method: /bin/true, one job at a time.
const int Starts = 100;
Console.WriteLine($"job start and end (/bin/true, {Starts} jobs one after the other)");
foreach (var (name, method) in new[] { ("none", AutodepMethod.None), ("ld_preload", AutodepMethod.LdPreload), ("ptrace", AutodepMethod.Ptrace) })
{
    var sw = Stopwatch.StartNew();
    for (int i = 0; i < Starts; i++)
    {
        var spec = new JobSpec
        {
            Argv = ["/bin/true"], Cwd = repo, RepoRoot = repo, Method = method,
            Environment = new Dictionary<string, string> { ["PATH"] = "/usr/bin:/bin" },
        };
        var o = TrackedJob.Start(spec).Completion.GetAwaiter().GetResult();
        if (o.ExitCode != 0) throw new InvalidOperationException($"{method} /bin/true: exit {o.ExitCode}: {o.Stderr}");
    }
    Console.WriteLine($"{name,-16} {sw.Elapsed.TotalMilliseconds / Starts,8:F2} ms per job");
}
Directory.Delete(work, recursive: true);
return 0;
