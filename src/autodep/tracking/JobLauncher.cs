// Starts a job's process with posix_spawn (glibc does it with clone(CLONE_VFORK): no copy of the .NET
// process, no managed code in the child): a new session, default signal dispositions (.NET ignores
// SIGPIPE, a job must not inherit that), stdin/stdout/stderr, the report pipe and the shim in its env.
// A job with a namespace (JobSpec.Namespace) is spawned through the helper _bin/job_namespace, which makes its
// mounts and then execs the job: posix_spawn runs no code of ours between fork and exec (see job_namespace.c).
using System.Runtime.InteropServices;
using System.Text;
using Lmake.Common;

namespace Lmake.Autodep;

/// <summary>The parent's side of a started job: its pid and the read ends of its pipes (-1 when absent).</summary>
internal readonly record struct LaunchedProcess(int Pid, int StdoutFd, int StderrFd, int ReportFd, string Executable);

internal static unsafe class JobLauncher
{
    // Signals a job must not inherit ignored (.NET ignores SIGPIPE; a server started by nohup ignores SIGHUP...).
    // Those with handlers are reset by exec anyway; listing only these spares the child a sigaction per signal.
    private static readonly int[] SignalsToReset = [1, 2, 3, 10, 12, 13, 14, 15, 17, 20, 21, 22, 25];

    /// <summary>Starts the job, or returns an error text (command not found, bad cwd...) with no process left.</summary>
    public static LaunchedProcess Launch(JobSpec spec, string shimPath, string channel, out string? error)
    {
        error = null;
        if (spec.Namespace is { } ns) return LaunchInNamespace(spec, ns, shimPath, channel, out error);
        string? exe = ResolveExecutable(spec);
        if (exe is null) { error = $"{spec.Argv[0]}: command not found"; return default; }
        return Launch(spec, spec.Argv, exe, shimPath, channel, out error);
    }

    /// <summary>The helper in place of the job: it finds the job's program along the job's PATH in the job's
    /// world, where the native one may not exist (lmake_view, chroot_dir).</summary>
    private static LaunchedProcess LaunchInNamespace(JobSpec spec, JobNamespace ns, string shimPath, string channel, out string? error)
    {
        string helper = TrackedJob.NamespaceHelperPath;
        string[] argv = [helper, .. ns.HelperArguments(), "--", .. spec.Argv];
        LaunchedProcess launched = Launch(spec, argv, helper, shimPath, channel, out error);
        if (error is not null) return launched;
        // the job's first program, which the shim does not see start: as a native name when it is in the repo
        string program = spec.Argv[0];
        string native = "";
        if (program.Contains('/'))
        {
            string seen = JobNamespace.MapName(ns.NameMaps, Path.GetFullPath(program, ns.Cwd));
            string root = ns.RepoRoot.TrimEnd('/') + "/";
            if (seen.StartsWith(root, StringComparison.Ordinal)) native = Path.Combine(spec.RepoRoot, seen[root.Length..]);
        }
        return launched with { Executable = native };
    }

    private static LaunchedProcess Launch(JobSpec spec, string[] argv, string exe, string shimPath, string channel, out string? error)
    {
        error = null;

        int[] parentEnds = [-1, -1, -1];
        int[] childEnds = [-1, -1, -1];  // stdout (only when captured), stderr, report
        int* fds = stackalloc int[2];
        try
        {
            for (int i = 0; i < 3; i++)
            {
                if (i == 0 && spec.StdoutIsFile) continue;
                if (Libc.Pipe2(fds, Native.O_CLOEXEC) != 0) { error = "pipe: " + Native.ErrorText(Marshal.GetLastPInvokeError()); return default; }
                parentEnds[i] = fds[0];
                childEnds[i] = fds[1];
                Libc.Fcntl(fds[0], Native.F_SETFL, Libc.Fcntl(fds[0], Native.F_GETFL, 0) | Native.O_NONBLOCK);
            }
            var env = BuildEnvironment(spec, shimPath, childEnds[2], channel);
            int pid = Spawn(spec, exe, argv, env, childEnds, out int spawnErrno);
            if (pid <= 0)
            {
                error = Directory.Exists(spec.Cwd)
                    ? $"cannot run {exe}: {Native.ErrorText(spawnErrno)}"
                    : $"cannot run {exe}: its cwd {spec.Cwd} does not exist";
                return default;
            }
            var launched = new LaunchedProcess(pid, parentEnds[0], parentEnds[1], parentEnds[2], Path.GetFullPath(exe, spec.Cwd));
            parentEnds = [-1, -1, -1];  // now owned by the caller
            return launched;
        }
        finally
        {
            foreach (int fd in childEnds) if (fd >= 0) Libc.Close(fd);
            foreach (int fd in parentEnds) if (fd >= 0) Libc.Close(fd);
        }
    }

    /// <summary>The program the job's argv[0] names: a name with '/' as it is (relative to the job's cwd, as
    /// for exec); a bare name searched along the job's PATH, then in the job's cwd (the repo root: an
    /// interpreter of the repo, shell = ('my_interpreter',), as open-lmake finds it). Null when none.</summary>
    internal static string? ResolveExecutable(JobSpec spec)
    {
        string name = spec.Argv[0];
        if (name.Contains('/')) return name;
        string path = spec.Environment.TryGetValue("PATH", out var p) ? p : "/usr/local/bin:/usr/bin:/bin";
        foreach (string dir in path.Split(':'))
        {
            string candidate = Path.Combine(dir.Length == 0 ? spec.Cwd : Path.Combine(spec.Cwd, dir), name);
            if (IsExecutableFile(candidate)) return candidate;
        }
        string local = Path.Combine(spec.Cwd, name);
        return IsExecutableFile(local) ? local : null;
    }

    private static bool IsExecutableFile(string path) =>
        File.Exists(path) && (File.GetUnixFileMode(path) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0;

    private static List<string> BuildEnvironment(JobSpec spec, string shimPath, int reportFd, string channel)
    {
        var env = new List<string>(spec.Environment.Count + 4);
        string? preload = null;
        foreach (var (key, value) in spec.Environment)
        {
            if (key == "LD_PRELOAD") { preload = value; continue; }
            if (key.StartsWith("LMAKE_AUTODEP_", StringComparison.Ordinal) || key == JobChannel.EnvironmentName) continue;
            env.Add(key + "=" + value);
        }
        if (spec.Method == AutodepMethod.LdPreload)
        {
            if (spec.Namespace?.ShimPath is string seen) shimPath = seen;
            preload = string.IsNullOrEmpty(preload) ? shimPath : shimPath + ":" + preload;
        }
        if (!string.IsNullOrEmpty(preload)) env.Add("LD_PRELOAD=" + preload);
        env.Add("LMAKE_AUTODEP_FD=" + reportFd);
        // in a namespace, the shim sees the repo where the job sees it (repo_view), and the views' names mapped
        env.Add("LMAKE_AUTODEP_ROOT=" + (spec.Namespace?.RepoRoot ?? spec.RepoRoot).TrimEnd('/'));
        if (spec.Namespace is { NameMaps.Count: > 0 } ns) env.Add(JobNamespace.NameMapVariable + "=" + ns.NameMapText());
        env.Add("LMAKE_AUTODEP_SRC=" + string.Join(':', spec.SourceDirs));
        // the shim's options, one letter each (report.c)
        string opts = (spec.AutoMkdir ? "m" : "") + (spec.FollowExternalLinks ? "x" : "");
        if (opts.Length > 0) env.Add("LMAKE_AUTODEP_OPTS=" + opts);
        env.Add(JobChannel.EnvironmentName + "=" + channel);  // given whatever the method: in-job commands work with none too
        return env;
    }

    private static int Spawn(JobSpec spec, string exe, string[] args, List<string> env, int[] childEnds, out int spawnErrno)
    {
        using var strings = new NativeStringBlock();
        byte* exePtr = strings.Add(exe);
        byte* cwdPtr = strings.Add(spec.Cwd);
        byte* stdinPtr = strings.Add(spec.StdinPath ?? "/dev/null");
        byte* stdoutPtr = spec.StdoutIsFile ? strings.Add(spec.StdoutPath!) : null;
        byte** argv = strings.AddArray(args);
        byte** envp = strings.AddArray(env);

        byte* actions = stackalloc byte[Native.FileActionsSize];
        byte* attr = stackalloc byte[Native.SpawnAttrSize];
        byte* noSignals = stackalloc byte[Native.SigsetSize];
        byte* ignoredSignals = stackalloc byte[Native.SigsetSize];
        Libc.FileActionsInit(actions);
        Libc.SpawnAttrInit(attr);
        try
        {
            Libc.SigEmptySet(noSignals);
            Libc.SigEmptySet(ignoredSignals);
            foreach (int sig in SignalsToReset) Libc.SigAddSet(ignoredSignals, sig);
            Libc.SpawnAttrSetFlags(attr, Native.POSIX_SPAWN_SETSID | Native.POSIX_SPAWN_SETSIGMASK | Native.POSIX_SPAWN_SETSIGDEF);
            Libc.SpawnAttrSetSigMask(attr, noSignals);
            Libc.SpawnAttrSetSigDefault(attr, ignoredSignals);
            Libc.FileActionsAddChdir(actions, cwdPtr);
            Libc.FileActionsAddOpen(actions, 0, stdinPtr, Native.O_RDONLY, 0);
            if (stdoutPtr is not null) Libc.FileActionsAddOpen(actions, 1, stdoutPtr, Native.O_WRONLY | Native.O_CREAT | Native.O_TRUNC, 0x1b6);
            else Libc.FileActionsAddDup2(actions, childEnds[0], 1);
            Libc.FileActionsAddDup2(actions, childEnds[1], 2);
            // dup2 onto itself clears close-on-exec (POSIX 2017, glibc >= 2.29): the job inherits the
            // report pipe, no other process spawned meanwhile does.
            Libc.FileActionsAddDup2(actions, childEnds[2], childEnds[2]);
            int pid;
            spawnErrno = Libc.PosixSpawn(&pid, exePtr, actions, attr, argv, envp);
            return spawnErrno == 0 ? pid : -1;
        }
        finally
        {
            Libc.FileActionsDestroy(actions);
            Libc.SpawnAttrDestroy(attr);
        }
    }

    /// <summary>NUL-terminated UTF-8 strings and pointer arrays in native memory, freed together.</summary>
    private sealed class NativeStringBlock : IDisposable
    {
        private readonly List<nint> _blocks = [];

        public byte* Add(string s)
        {
            int n = Encoding.UTF8.GetByteCount(s);
            byte* p = (byte*)NativeMemory.Alloc((nuint)n + 1);
            _blocks.Add((nint)p);
            Encoding.UTF8.GetBytes(s, new Span<byte>(p, n));
            p[n] = 0;
            return p;
        }

        public byte** AddArray(IReadOnlyList<string> items)
        {
            byte** a = (byte**)NativeMemory.Alloc((nuint)(items.Count + 1), (nuint)sizeof(byte*));
            _blocks.Add((nint)a);
            for (int i = 0; i < items.Count; i++) a[i] = Add(items[i]);
            a[items.Count] = null;
            return a;
        }

        public void Dispose()
        {
            foreach (nint p in _blocks) NativeMemory.Free((void*)p);
        }
    }
}
