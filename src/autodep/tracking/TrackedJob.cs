// A job running under dependency tracking: started on the caller's thread, then watched by the shared
// JobReactor until it has exited and closed its pipes; Completion then holds its JobOutcome.
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using Lmake.Common;

namespace Lmake.Autodep;

public sealed unsafe class TrackedJob
{
    /// <summary>The shim given to jobs run with LdPreload; defaults to the installed _lib/libautodep.so.</summary>
    public static string ShimPath { get; set; } = Path.Combine(InstallLayout.Current.PrivateLib, "libautodep.so");

    /// <summary>The helper that sets up a job's namespace (JobSpec.Namespace); defaults to the installed
    /// _bin/job_namespace.</summary>
    public static string NamespaceHelperPath { get; set; } = Path.Combine(InstallLayout.Current.PrivateBin, "job_namespace");

    /// <summary>Time between two of JobSpec.KillSignals.</summary>
    public static TimeSpan KillGrace { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>After the job's main process exits, how long its leftover processes may keep its pipes
    /// open before they are killed, and then how long before the pipes are abandoned.</summary>
    private static readonly TimeSpan StragglerGrace = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan AbandonGrace = TimeSpan.FromSeconds(1);

    private readonly JobSpec _spec;
    private readonly TaskCompletionSource<JobOutcome> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly long _startTimestamp;
    private readonly AccessReportParser _accesses = new();
    private readonly MemoryStream _stdout = new();
    private readonly MemoryStream _stderr = new();
    // the stdout target of a job whose stdout is also shown live (JobSpec.LiveStdout): written here
    private FileStream? _stdoutFile;

    // Running state, touched only on the reactor thread once registered.
    internal int Slot;
    internal int StdoutFd, StderrFd, ReportFd, PidFd;
    private bool _reaped, _completed, _timedOut, _killed;
    private int _status;
    private Libc.Rusage _usage;
    private long _timeoutAt = long.MaxValue, _nextSignalAt = long.MaxValue, _stragglerAt = long.MaxValue;
    private int _signalIndex;
    private int _stragglerStage;
    private string? _channelKey;
    private volatile bool _watched;

    public int Pid { get; private set; }
    /// <summary>What the job was started with.</summary>
    public JobSpec Spec => _spec;
    public Task<JobOutcome> Completion => _completion.Task;

    private TrackedJob(JobSpec spec, long start)
    {
        _spec = spec;
        _startTimestamp = start;
    }

    /// <summary>Starts the job in a new session (its own process group), tracked with spec.Method. A job that
    /// cannot start (command not found, bad cwd) completes at once
    /// with exit code 127 and the reason on stderr.</summary>
    public static TrackedJob Start(JobSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.Argv.Length == 0) throw new ArgumentException("JobSpec.Argv is empty", nameof(spec));
        if (!Path.IsPathRooted(spec.Cwd)) throw new ArgumentException($"JobSpec.Cwd must be absolute: {spec.Cwd}", nameof(spec));
        if (!Path.IsPathRooted(spec.RepoRoot)) throw new ArgumentException($"JobSpec.RepoRoot must be absolute: {spec.RepoRoot}", nameof(spec));
        long start = Stopwatch.GetTimestamp();
        string? error = null;
        LaunchedProcess launched = default;
        var job = new TrackedJob(spec, start);
        job._accesses.Root = spec.RepoRoot;
        // Registered before the spawn: the job may use an in-job command at once.
        string channel = JobChannel.Shared.Register(job, out job._channelKey);
        // ptrace: a launcher shell is spawned in place of the job, which a tracer thread then follows.
        bool ptrace = spec.Method == AutodepMethod.Ptrace;
        launched = JobLauncher.Launch(ptrace ? PtraceLauncher.Wrap(spec) : spec, ShimPath, channel, out error);
        if (ptrace && error is null) launched = PtraceLauncher.StartTracing(launched, spec);
        if (error is not null)
        {
            JobChannel.Shared.Unregister(job._channelKey);
            // a command named by a path that could not be run (a file of the repo not made yet) was looked at, as a
            // shell's exec would have: a dep, so that the job runs again once it is made
            string? tried = JobLauncher.ResolveExecutable(spec)
                ?? (spec.Argv[0].Contains('/') ? Path.GetFullPath(spec.Argv[0], spec.Cwd) : null);
            if (tried is not null) job.RecordFirstExec(Path.GetFullPath(tried, spec.Cwd), File.Exists(Path.GetFullPath(tried, spec.Cwd)));
            job._completion.SetResult(new JobOutcome(127, false, false, "", error + "\n", job._accesses.Accesses,
                Stopwatch.GetElapsedTime(start), TimeSpan.Zero, 0));
            return job;
        }
        if (spec.LiveStdout is not null && spec.StdoutPath is not null)
        {
            try { job._stdoutFile = new FileStream(spec.StdoutPath, FileMode.Create, FileAccess.Write, FileShare.ReadWrite, 1 << 16); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                job._stderr.Write(Encoding.UTF8.GetBytes($"lmake: cannot write the stdout of the job to {spec.StdoutPath}: {e.Message}\n"));
            }
        }
        JobNice.Apply(launched.Pid, spec.Nice);
        job.Pid = launched.Pid;
        job.StdoutFd = launched.StdoutFd;
        job.StderrFd = launched.StderrFd;
        job.ReportFd = launched.ReportFd;
        job.PidFd = Libc.PidfdOpen(launched.Pid, 0);
        // The shim starts inside the job: the exec that starts the job itself is recorded here.
        if (launched.Executable.Length > 0) job.RecordFirstExec(launched.Executable, true);
        if (spec.Timeout is { } t) job._timeoutAt = start + (long)(t.TotalSeconds * Stopwatch.Frequency);
        if (job.PidFd < 0) throw new InvalidOperationException("pidfd_open: " + Native.ErrorText(Marshal.GetLastPInvokeError()));
        JobReactor.Shared.Register(job);
        job._watched = true;
        return job;
    }

    /// <summary>Handed to the reactor: from now on only the reactor thread touches the running state.</summary>
    internal bool IsWatched => _watched;

    /// <summary>The accesses and declarations so far (reactor thread only).</summary>
    internal AccessReportParser Accesses => _accesses;

    /// <summary>On the reactor thread: reads what the report pipe holds now, so that accesses made before an
    /// in-job command are recorded before what the command declares.</summary>
    internal void DrainReports(JobReactor reactor)
    {
        if (!_completed && ReportFd >= 0) OnReadable(reactor, JobReactor.WhatReport, reactor.ReadBuffer);
    }

    /// <summary>The name the shim would give an absolute file name (repo-relative, or absolute under a source
    /// dir), or null when it is not tracked. Symlinks are not resolved here.</summary>
    /// <summary>The job's first program, which the shim does not see start (and ptrace only from its first
    /// instruction): the program, the interpreters of a script, where the loader looks for its libraries.</summary>
    private void RecordFirstExec(string executable, bool exists)
    {
        if (TrackedName(_spec, executable) is { } exeName) _accesses.Add(exeName, AccessKind.Exec, exists);
        if (!exists) return;
        string program = executable;
        foreach (var (interpreter, there) in ExecDeps.Interpreters(executable, _spec.Cwd))
        {
            if (TrackedName(_spec, interpreter) is { } name) _accesses.Add(name, AccessKind.Exec, there);
            program = interpreter;
        }
        if (_spec.Method == AutodepMethod.None) return;
        string? libraryPath = _spec.Environment.TryGetValue("LD_LIBRARY_PATH", out string? lp) && lp.Length > 0 ? lp : null;
        // only where the repo may be searched: an LD_LIBRARY_PATH, or a program of the repo (its RPATH/RUNPATH)
        if (libraryPath is null && TrackedName(_spec, program) is null) return;
        foreach (var (place, there) in ExecDeps.LibraryPlaces(program, libraryPath, _spec.Cwd))
            if (TrackedName(_spec, place) is { } name) _accesses.Add(name, AccessKind.Read, there);
    }

    private static string? TrackedName(JobSpec spec, string absolute)
    {
        string root = spec.RepoRoot.TrimEnd('/') + "/";
        if (absolute.StartsWith(root, StringComparison.Ordinal)) return absolute[root.Length..];
        foreach (string dir in spec.SourceDirs)
            if (absolute.StartsWith(dir, StringComparison.Ordinal) && absolute.Length > dir.Length) return absolute;
        return null;
    }

    /// <summary>Sends JobSpec.KillSignals in turn to the job's whole process group; Completion then
    /// reports Killed. Does nothing once the job has completed.</summary>
    public void Kill()
    {
        if (Pid <= 0) return;
        JobReactor.Shared.Post(() => StartKill(JobReactor.Shared));
    }

    internal bool IsCompleted => _completed;
    internal bool HasDeadline => NextDeadline != long.MaxValue;
    internal long NextDeadline => Math.Min(_timeoutAt, Math.Min(_nextSignalAt, _stragglerAt));

    private void StartKill(JobReactor reactor)
    {
        if (_completed || _killed) return;
        _killed = true;
        _timeoutAt = long.MaxValue;
        _signalIndex = 0;
        SendNextSignal(Stopwatch.GetTimestamp());
        reactor.TrackDeadline(this);
    }

    private void SendNextSignal(long now)
    {
        IReadOnlyList<int> signals = _spec.KillSignals.Count > 0 ? _spec.KillSignals : [9];
        // a 0 in the list only spaces the others out; once the list is exhausted and the job still lives, SIGKILL
        // follows a grace later (a trap on the listed signals must not keep the job running forever)
        bool exhausted = _signalIndex >= signals.Count;
        int signal = exhausted ? 9 : signals[_signalIndex];
        _signalIndex++;
        if (signal != 0) Libc.Kill(-Pid, signal);
        bool more = !exhausted && signal != 9;
        _nextSignalAt = more ? now + (long)(KillGrace.TotalSeconds * Stopwatch.Frequency) : long.MaxValue;
    }

    internal void OnDeadline(JobReactor reactor, long now)
    {
        if (_completed) return;
        if (_timeoutAt <= now) { _timedOut = true; StartKill(reactor); }
        if (_nextSignalAt <= now) SendNextSignal(now);
        if (_stragglerAt <= now)
        {
            if (_stragglerStage == 1)
            {
                Libc.Kill(-Pid, 9);  // the job is over: what it left running goes too
                _stragglerStage = 2;
                _stragglerAt = now + (long)(AbandonGrace.TotalSeconds * Stopwatch.Frequency);
            }
            else
            {
                // Something outside the group (a daemon that called setsid) holds the pipes: stop listening.
                CloseFd(ref StdoutFd); CloseFd(ref StderrFd); CloseFd(ref ReportFd);
                TryComplete(reactor);
                return;
            }
        }
        reactor.TrackDeadline(this);
    }

    internal void OnReadable(JobReactor reactor, int what, byte[] buffer)
    {
        if (_completed) return;
        ref int fd = ref (what == JobReactor.WhatStdout ? ref StdoutFd : ref what == JobReactor.WhatStderr ? ref StderrFd : ref ReportFd);
        if (fd < 0) return;
        fixed (byte* b = buffer)
        {
            while (true)
            {
                nint n = Libc.Read(fd, b, buffer.Length);
                if (n > 0)
                {
                    var data = new ReadOnlySpan<byte>(b, (int)n);
                    if (what == JobReactor.WhatReport) _accesses.Feed(data);
                    else if (what == JobReactor.WhatStderr) _stderr.Write(data);
                    else OnStdout(data);
                    if (n < buffer.Length) return;  // level-triggered: epoll says when there is more
                    continue;
                }
                if (n < 0)
                {
                    int errno = Marshal.GetLastPInvokeError();
                    if (errno == Native.EINTR) continue;
                    if (errno == Native.EAGAIN) return;
                }
                CloseFd(ref fd);  // end of file (every writer is gone) or a broken pipe
                TryComplete(reactor);
                return;
            }
        }
    }

    private void OnStdout(ReadOnlySpan<byte> data)
    {
        if (_stdoutFile is not null) _stdoutFile.Write(data);
        else if (_spec.StdoutPath is null) _stdout.Write(data);
        _spec.LiveStdout?.Invoke(data.ToArray());
    }

    internal void OnPidReady(JobReactor reactor)
    {
        if (_completed || _reaped) return;
        int status;
        Libc.Rusage usage;
        int r = Libc.Wait4(Pid, &status, Native.WNOHANG, &usage);
        if (r < 0 && Marshal.GetLastPInvokeError() == Native.ECHILD)
        {
            // Someone else reaped it (a process started with SIGCHLD ignored makes .NET reap every child):
            // the job is over, its status is lost.
            status = 255 << 8;
            usage = default;
            _stderr.Write("lmake: the job's exit status was lost (reaped outside lmake)\n"u8);
        }
        else if (r != Pid) return;
        _reaped = true;
        _status = status;
        _usage = usage;
        CloseFd(ref PidFd);
        if (!TryComplete(reactor))
        {
            _stragglerStage = 1;
            _stragglerAt = Stopwatch.GetTimestamp() + (long)(StragglerGrace.TotalSeconds * Stopwatch.Frequency);
            reactor.TrackDeadline(this);
        }
    }

    private static void CloseFd(ref int fd)
    {
        if (fd < 0) return;
        // Unregister first: a job being spawned meanwhile holds a copy of this fd until its exec, which
        // would keep the closed fd's epoll entry alive and firing.
        Libc.EpollCtl(JobReactor.Shared.EpollFd, Native.EPOLL_CTL_DEL, fd, null);
        Libc.Close(fd);
        fd = -1;
    }

    /// <summary>On the reactor thread, when handling this job failed unexpectedly: the job ends in error
    /// rather than the reactor, which serves every job.</summary>
    internal void Fail(JobReactor reactor, Exception e)
    {
        if (_completed) return;
        _completed = true;
        CloseFd(ref StdoutFd); CloseFd(ref StderrFd); CloseFd(ref ReportFd); CloseFd(ref PidFd);
        CloseStdoutFile();
        reactor.Release(this);
        JobChannel.Shared.Unregister(_channelKey);
        _completion.TrySetException(e);
    }

    private void CloseStdoutFile()
    {
        try { _stdoutFile?.Dispose(); }
        catch (IOException e) { _stderr.Write(Encoding.UTF8.GetBytes($"lmake: cannot write the stdout of the job: {e.Message}\n")); }
        _stdoutFile = null;
    }

    private bool TryComplete(JobReactor reactor)
    {
        if (!_reaped || StdoutFd >= 0 || StderrFd >= 0 || ReportFd >= 0) return false;
        _completed = true;
        CloseStdoutFile();
        reactor.Release(this);
        JobChannel.Shared.Unregister(_channelKey);
        int exitCode = (_status & 0x7f) == 0 ? (_status >> 8) & 0xff : 128 + (_status & 0x7f);
        var cpu = TimeSpan.FromTicks((_usage.UtimeSec + _usage.StimeSec) * TimeSpan.TicksPerSecond
                                     + (_usage.UtimeUsec + _usage.StimeUsec) * TimeSpan.TicksPerMicrosecond);
        var outcome = new JobOutcome(exitCode, _timedOut, _killed,
            Encoding.UTF8.GetString(_stdout.GetBuffer(), 0, (int)_stdout.Length),
            Encoding.UTF8.GetString(_stderr.GetBuffer(), 0, (int)_stderr.Length),
            _accesses.Accesses, Stopwatch.GetElapsedTime(_startTimestamp), cpu, _usage.MaxRssKb * 1024)
        { Patterns = _accesses.Patterns };
        _completion.SetResult(outcome);
        return true;
    }
}
