// Starting a job under ptrace. JobLauncher spawns, in place of the job, a launcher shell S that runs the job
// in a child C and exits with its status: C stops itself (SIGSTOP) before it execs the job, the tracer seizes
// it there. S is never traced, so the reactor reaps it as any job's main process (exit status, rusage,
// signals) while the tracer, which reaps the processes it traces, only ever sees C and what C starts. In a
// namespace, S runs under job_namespace and its init (job_namespace.c), which are not traced either.
using Lmake.Common;

namespace Lmake.Autodep;

internal static unsafe class PtraceLauncher
{
    // S runs C in the foreground ("; exit $?" keeps dash from exec'ing C in place of forking it) and exits
    // with its status (128+N when C dies of signal N, as TrackedJob reports it). C execs "$0" "$@": the job's
    // argv as given, a name without '/' searched along the job's PATH.
    private const string LauncherScript =
        "/bin/sh -c 'kill -STOP $$ && exec \"$0\" \"$@\"' \"$@\"; exit $?";

    /// <summary>The spec JobLauncher spawns for a ptrace job: the launcher shell around the job's argv.</summary>
    public static JobSpec Wrap(JobSpec spec) => new()
    {
        // a bare name the shell's PATH search would miss (an interpreter of the repo) is given by its path
        Argv = ["/bin/sh", "-c", LauncherScript, "lmake-ptrace-launcher", ProgramOf(spec), .. spec.Argv[1..]],
        Cwd = spec.Cwd,
        Environment = spec.Environment,
        RepoRoot = spec.RepoRoot,
        SourceDirs = spec.SourceDirs,
        Method = AutodepMethod.Ptrace,  // no shim in the environment
        StdinPath = spec.StdinPath,
        StdoutPath = spec.StdoutPath,
        LiveStdout = spec.LiveStdout,
        Timeout = spec.Timeout,
        KillSignals = spec.KillSignals,
        Namespace = spec.Namespace,
    };

    private static string ProgramOf(JobSpec spec) =>
        spec.Namespace is null && !spec.Argv[0].Contains('/') && JobLauncher.ResolveExecutable(spec) is { } exe && exe.StartsWith(spec.Cwd + "/", StringComparison.Ordinal)
            ? exe : spec.Argv[0];

    /// <summary>Once JobLauncher has spawned Wrap(spec): starts the job's tracer thread, which writes what the
    /// job touches into the job's report pipe. Returns launched with the job's own executable.</summary>
    public static LaunchedProcess StartTracing(LaunchedProcess launched, JobSpec spec)
    {
        // A second write end of the report pipe, for the tracer (the pipe is reopened through /proc).
        byte* path = stackalloc byte[64];
        string link = $"/proc/self/fd/{launched.ReportFd}";
        for (int i = 0; i < link.Length; i++) path[i] = (byte)link[i];
        path[link.Length] = 0;
        int reportFd = Libc.Open(path, PtraceNative.O_WRONLY | PtraceNative.O_CLOEXEC);
        if (reportFd < 0)
            throw new InvalidOperationException("cannot open the report pipe for the tracer: " + Native.ErrorText(System.Runtime.InteropServices.Marshal.GetLastPInvokeError()));
        PtraceTracer.Start(spec, launched.Pid, reportFd);
        string exe = spec.Argv[0];
        return launched with { Executable = exe.Contains('/') ? Path.GetFullPath(exe, spec.Cwd) : "" };  // else: seen at its exec
    }
}
