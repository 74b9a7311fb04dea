// bench-tracking: what dependency tracking costs per access. One job, a C program that stats (even i) or
// opens and closes (odd i) N distinct files of a repo, runs as a tracked job (TrackedJob, as lmakeserver
// runs jobs) under autodep none, ld_preload and ptrace (the same program, and a static build of it under
// ptrace), and the floor of ptrace on this machine (a minimal C tracer, one stop per access, nothing decoded).
// The program times its own loop; the best of RUNS runs is kept. Usage: INSTALL_DIR WORK_DIR [N] [RUNS]
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
// The floor of any ptrace tracker on this machine: a minimal C tracer that resumes at once from one seccomp
// stop per access (no decoding, no names), timed by the traced program like the rows above.
File.WriteAllText(Path.Combine(bin, "floor.c"), """
    #define _GNU_SOURCE
    #include <linux/filter.h>
    #include <linux/seccomp.h>
    #include <signal.h>
    #include <stddef.h>
    #include <stdio.h>
    #include <stdlib.h>
    #include <sys/prctl.h>
    #include <sys/ptrace.h>
    #include <sys/stat.h>
    #include <sys/syscall.h>
    #include <sys/wait.h>
    #include <fcntl.h>
    #include <time.h>
    #include <unistd.h>
    int main(int argc, char **argv) {
        int n = atoi(argv[1]);
        pid_t p = fork();
        if (p == 0) {
            struct sock_filter f[] = {
                BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
                BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_newfstatat, 0, 1),
                BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRACE),
                BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW) };
            struct sock_fprog prog = { 4, f };
            raise(SIGSTOP);
            if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) || prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog)) _exit(2);
            struct stat st; struct timespec a, b;
            clock_gettime(CLOCK_MONOTONIC, &a);
            for (int i = 0; i < n; i++) fstatat(AT_FDCWD, "d0/f0", &st, 0);
            clock_gettime(CLOCK_MONOTONIC, &b);
            printf("%.1f\n", (b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec));
            fflush(stdout);
            _exit(0);
        }
        int st;
        waitpid(p, &st, WUNTRACED);
        if (ptrace(PTRACE_SEIZE, p, 0, PTRACE_O_TRACESECCOMP | PTRACE_O_EXITKILL)) return 1;
        kill(p, SIGCONT);
        while (waitpid(p, &st, __WALL) == p && !WIFEXITED(st) && !WIFSIGNALED(st)) {
            int sig = WSTOPSIG(st);
            ptrace(PTRACE_CONT, p, 0, (st >> 16) || sig == SIGTRAP || sig == SIGSTOP || sig == SIGCONT ? 0 : sig);
        }
        return WIFEXITED(st) ? WEXITSTATUS(st) : 1;
    }
    """);
var gcc = Process.Start(new ProcessStartInfo("/bin/sh", ["-c", "gcc -O2 -o acc acc.c && gcc -O2 -static -o acc-static acc.c && gcc -O2 -o floor floor.c"]) { WorkingDirectory = bin })!;
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
results.Add(("ptrace floor", MeasureFloor()));

// The minimal C tracer, run directly (not as a tracked job: it is the tracer itself).
(double PerAccessUs, double WallS) MeasureFloor()
{
    double best = double.MaxValue, bestWall = double.MaxValue;
    for (int run = 0; run <= runs; run++)
    {
        var sw = Stopwatch.StartNew();
        var p = Process.Start(new ProcessStartInfo(Path.Combine(bin, "floor"), [n.ToString(CultureInfo.InvariantCulture)])
            { WorkingDirectory = repo, RedirectStandardOutput = true })!;
        string output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"floor tracer: exit {p.ExitCode}");
        if (run == 0) continue;
        best = Math.Min(best, double.Parse(output.Trim(), CultureInfo.InvariantCulture) / n / 1000);
        bestWall = Math.Min(bestWall, sw.Elapsed.TotalSeconds);
    }
    return (best, bestWall);
}
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
