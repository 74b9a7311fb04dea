// The tracer of one ptrace job, on a thread of its own (ptrace requests must come from the thread that
// attached). It seizes the launcher's child C (see PtraceLauncher) before the job's exec, installs in it a
// seccomp filter that stops the job only on file syscalls (SeccompFilter; injected as prctl+seccomp calls at
// C's first syscall), then follows every process and thread the job starts (fork, vfork, clone), decodes
// each file syscall at its start and resolves its names there; what only reads is recorded at once, the rest
// at the syscall's end from its result.
// Signals are passed on, group stops kept (PTRACE_LISTEN). Without seccomp it stops at every syscall instead.
// Waits use __WNOTHREAD: this thread has no children of its own, so it only ever reaps its own tracees.
using System.Runtime.InteropServices;
using System.Text;
using Lmake.Common;

namespace Lmake.Autodep;

internal sealed unsafe class PtraceTracer
{
    private const int Options = PtraceNative.PTRACE_O_TRACESYSGOOD | PtraceNative.PTRACE_O_TRACEFORK |
        PtraceNative.PTRACE_O_TRACEVFORK | PtraceNative.PTRACE_O_TRACECLONE | PtraceNative.PTRACE_O_TRACEEXEC |
        PtraceNative.PTRACE_O_TRACESECCOMP | PtraceNative.PTRACE_O_EXITKILL;
    private const int SyscallTrap = PtraceNative.SIGTRAP | 0x80;
    private const int SysPrctl = 157, SysSeccomp = 317, PR_SET_NO_NEW_PRIVS = 38, SECCOMP_SET_MODE_FILTER = 1;
    private const int PathMax = 4096;

    private readonly JobSpec _spec;
    private readonly int _launcherPid;
    private readonly PtraceReportWriter _report;
    private readonly PtraceNameResolver _names;
    private readonly Dictionary<int, Tracee> _tracees = [];
    private readonly byte[] _stringBuffer = new byte[PathMax];
    private bool _filterInstalled, _traceAll;

    /// <summary>A syscall seen at its start whose names wait for its result.</summary>
    private readonly record struct PendingName(AccessKind Kinds, string Name, bool OnlyIfOk, string? Absolute, bool ThereBefore);

    private sealed class Tracee
    {
        public bool Initial;
        public bool LauncherStopSkipped;
        public readonly List<PendingName> Pending = [];
        public bool PendingChangesTree;  // a rename or removal: the resolver's link-free dirs go when it succeeds
        public bool PendingCwdChange;  // in a chdir/fchdir: the cached cwds go when it ends
    }

    private PtraceTracer(JobSpec spec, int launcherPid, int reportFd)
    {
        _spec = spec;
        _launcherPid = launcherPid;
        _report = new PtraceReportWriter(reportFd);
        _names = new PtraceNameResolver(spec, _report);
    }

    /// <summary>Starts tracing the job launched as launcherPid (PtraceLauncher's shell); the tracer owns
    /// reportFd and closes it when no process of the job is left.</summary>
    public static void Start(JobSpec spec, int launcherPid, int reportFd)
    {
        var tracer = new PtraceTracer(spec, launcherPid, reportFd);
        new Thread(tracer.Run) { IsBackground = true, Name = $"lmake ptrace {launcherPid}" }.Start();
    }

    private void Run()
    {
        try
        {
            int child = FindLauncherChild(_spec.Namespace is null ? 1 : 3);
            if (child <= 0) return;  // the launcher is gone (killed before its child started)
            if (Libc.Ptrace(PtraceNative.PTRACE_SEIZE, child, 0, Options) < 0)
            {
                string why = Native.ErrorText(Marshal.GetLastPInvokeError());
                WriteToJobStderr(child, $"lmake: autodep=ptrace: cannot trace the job ({why})\n");
                Libc.Kill(child, PtraceNative.SIGKILL);
                return;
            }
            _tracees[child] = new Tracee { Initial = true };
            Loop();
        }
        catch (Exception e)
        {
            // Leaving the thread detaches (PTRACE_O_EXITKILL kills what is left): the job fails, lmake does not.
            Console.Error.WriteLine($"lmake: autodep=ptrace tracer: {e.Message}");
        }
        finally
        {
            _report.Dispose();
        }
    }

    // C is the launcher shell's only child; it stops itself before its exec, so it cannot get away meanwhile. The
    // launcher shell is the launched process itself, or, in a namespace, its grandchild (job_namespace, then its
    // init, then the job: job_namespace.c), which are not traced: their mounts are no accesses of the job.
    private int FindLauncherChild(int generations)
    {
        int pid = _launcherPid;
        for (int g = 0; g < generations && pid > 0; g++) pid = FirstChild(pid);
        return pid;
    }

    private static int FirstChild(int parent)
    {
        string children = $"/proc/{parent}/task/{parent}/children";
        for (int round = 0; ; round++)
        {
            string text;
            try { text = File.ReadAllText(children); }
            catch (IOException) { return -1; }
            catch (UnauthorizedAccessException) { return -1; }
            string first = text.Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? "";
            if (int.TryParse(first, out int pid)) return pid;
            try { if (File.ReadAllText($"/proc/{parent}/stat").Contains(") Z ", StringComparison.Ordinal)) return -1; }
            catch (IOException) { return -1; }
            if (round < 50) Thread.Yield(); else Thread.Sleep(1);
        }
    }

    private static void WriteToJobStderr(int pid, string message)
    {
        try { File.AppendAllText($"/proc/{pid}/fd/2", message); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    private void Loop()
    {
        int status = 0;
        while (true)
        {
            int tid = Libc.WaitPid(-1, &status, PtraceNative.WALL | PtraceNative.WNOTHREAD);
            if (tid < 0)
            {
                int errno = Marshal.GetLastPInvokeError();
                if (errno == PtraceNative.EINTR) continue;
                if (errno == PtraceNative.ECHILD) return;  // no process of the job is left
                throw new InvalidOperationException("waitpid: " + Native.ErrorText(errno));
            }
            OnStatus(tid, status);
        }
    }

    private void OnStatus(int tid, int status)
    {
        if ((status & 0xff) != 0x7f) { _tracees.Remove(tid); _names.Forget(tid); return; }  // exited or killed
        if (!_tracees.TryGetValue(tid, out var t)) _tracees[tid] = t = new Tracee();  // a new child, met before its parent's event
        int sig = (status >> 8) & 0xff;
        int ev = (status >> 16) & 0xffff;
        if (sig == SyscallTrap) { OnSyscallStop(tid, t); return; }
        switch (ev)
        {
            case PtraceNative.PTRACE_EVENT_SECCOMP:
                OnSyscallStart(tid, t, SyscallInfo(tid));
                return;
            case PtraceNative.PTRACE_EVENT_FORK or PtraceNative.PTRACE_EVENT_VFORK or PtraceNative.PTRACE_EVENT_CLONE:
                ulong child;
                if (Libc.Ptrace(PtraceNative.PTRACE_GETEVENTMSG, tid, 0, (nint)(&child)) == 0 && !_tracees.ContainsKey((int)child))
                    _tracees[(int)child] = new Tracee();
                Resume(tid, t, 0);
                return;
            case PtraceNative.PTRACE_EVENT_EXEC:
                ulong former;
                // A thread that execs takes its process's id: what it was doing moves with it.
                if (Libc.Ptrace(PtraceNative.PTRACE_GETEVENTMSG, tid, 0, (nint)(&former)) == 0 && (int)former != tid
                    && _tracees.Remove((int)former, out var old))
                {
                    t.Pending.Clear();
                    t.Pending.AddRange(old.Pending);
                    _names.Forget((int)former);
                }
                OnExecDone(tid, t);
                Resume(tid, t, 0);
                return;
            case PtraceNative.PTRACE_EVENT_STOP:
                if (sig is PtraceNative.SIGSTOP or PtraceNative.SIGTSTP or PtraceNative.SIGTTIN or PtraceNative.SIGTTOU)
                {
                    if (t.Initial && !t.LauncherStopSkipped)
                    {
                        // C, seized in its own stop. SIGCONT ends that group stop, which would otherwise outlive
                        // this attach (and make the job's later threads start in what looks like a group stop).
                        t.LauncherStopSkipped = true;
                        Libc.Kill(tid, PtraceNative.SIGCONT);
                        Resume(tid, t, 0);
                    }
                    else Libc.Ptrace(PtraceNative.PTRACE_LISTEN, tid, 0, 0);  // a real group stop: stays stopped until SIGCONT
                }
                else Resume(tid, t, 0);  // a new tracee's first stop
                return;
            case 0:
                if (sig == PtraceNative.SIGSTOP && t.Initial && !t.LauncherStopSkipped) { t.LauncherStopSkipped = true; Resume(tid, t, 0); }
                else Resume(tid, t, sig);  // a signal for the tracee: delivered
                return;
            default:
                Resume(tid, t, 0);
                return;
        }
    }

    // Back to running: to the end of its syscall when names wait for its result (or when every syscall stops).
    private void Resume(int tid, Tracee t, int signal)
    {
        int how = t.Pending.Count > 0 || t.PendingCwdChange || _traceAll || !_filterInstalled ? PtraceNative.PTRACE_SYSCALL : PtraceNative.PTRACE_CONT;
        Libc.Ptrace(how, tid, 0, signal);  // ESRCH: killed meanwhile, its exit comes next
    }

    private static PtraceNative.SyscallInfo SyscallInfo(int tid)
    {
        PtraceNative.SyscallInfo info = default;
        Libc.Ptrace(PtraceNative.PTRACE_GET_SYSCALL_INFO, tid, sizeof(PtraceNative.SyscallInfo), (nint)(&info));
        return info;
    }

    private void OnSyscallStop(int tid, Tracee t)
    {
        var info = SyscallInfo(tid);
        switch (info.Op)
        {
            case PtraceNative.SYSCALL_INFO_ENTRY:
                // The first syscall of C after the attach (its execve, or what the launcher's fork does before it):
                // from then on only file syscalls stop.
                if (!_filterInstalled && !_traceAll && t.Initial && info.Arch == PtraceNative.AUDIT_ARCH_X86_64) { InstallFilter(tid, t); return; }
                if (_traceAll && PtraceSyscalls.IsTraced(info.Nr)) { OnSyscallStart(tid, t, info); return; }
                break;
            case PtraceNative.SYSCALL_INFO_EXIT:
                if (t.Pending.Count > 0) OnSyscallEnd(t, info.Rval);
                if (t.PendingCwdChange) { t.PendingCwdChange = false; _names.ForgetCwds(); }
                break;
        }
        Resume(tid, t, 0);
    }

    // At a file syscall's start: its names are resolved now, before it changes anything. What only reads is
    // recorded at once (whether the file is there is known already); the rest waits for the syscall's result.
    private void OnSyscallStart(int tid, Tracee t, PtraceNative.SyscallInfo info)
    {
        t.Pending.Clear();
        if (info.Nr is PtraceSyscalls.Chdir or PtraceSyscalls.Fchdir)
        {
            t.PendingCwdChange = true;  // the cwds known are forgotten once it is done (OnSyscallStop)
            if (info.Nr == PtraceSyscalls.Chdir && _spec.AutoMkdir) MakeMissingDir(tid, info.Args[0]);
            Resume(tid, t, 0);
            return;
        }
        if (info.Nr == PtraceSyscalls.Connect)
        {
            // Maybe an in-job command about to talk to the job's channel: what the job did before it must be
            // known first. Records are otherwise sent when the buffer is full, at exec and at the end.
            _report.Flush();
            Resume(tid, t, 0);
            return;
        }
        t.PendingChangesTree = PtraceSyscalls.ChangesTree(info.Nr);
        Span<SyscallName> names = stackalloc SyscallName[2];
        var args = new ReadOnlySpan<ulong>(info.Args, 6);
        int n = PtraceSyscalls.Describe(info.Nr, args, how => ReadU64(tid, how), names);
        for (int i = 0; i < n; i++)
        {
            var s = names[i];
            string? name, absolute = null;
            bool exists = true;
            if (s.PathAddress == 0)
            {
                string? dir = _names.BaseDir(tid, s.DirFd);
                // a listing (getdents): the repo root is a dir that may be listed too, recorded as "."
                name = dir is null ? null : dir == _names.Root ? "." : _names.TrackedName(dir);
            }
            else
            {
                string? path = ReadString(tid, s.PathAddress);
                if (path is null) continue;
                absolute = _names.ResolveAbsolute(tid, s.DirFd, path, s.Follow, out exists);
                name = absolute is null ? null : _names.TrackedName(absolute);
            }
            if (name is null) continue;
            bool readOnly = (s.Kinds & ~(AccessKind.Read | AccessKind.Stat | AccessKind.Readlink | AccessKind.ReadDir)) == 0 && !s.OnlyIfOk;
            if (readOnly) _report.Add(s.Kinds, exists, name);
            else t.Pending.Add(new PendingName(s.Kinds, name, s.OnlyIfOk, absolute, exists));
        }
        if (t.Pending.Count == 0) t.PendingChangesTree = false;
        Resume(tid, t, 0);
    }

    /// <summary>auto_mkdir: the dir a chdir goes to, when it is in the repo and missing, is made before the
    /// syscall runs (as the shim's chdir does).</summary>
    private void MakeMissingDir(int tid, ulong pathAddress)
    {
        if (ReadString(tid, pathAddress) is not { } path) return;
        string? absolute = _names.ResolveAbsolute(tid, PtraceSyscalls.AT_FDCWD, path, true, out bool exists);
        if (absolute is null || exists || !absolute.StartsWith(_names.Root + "/", StringComparison.Ordinal)) return;
        try { Directory.CreateDirectory(_names.FileSystemName(tid, absolute)); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    private void OnSyscallEnd(Tracee t, long rval)
    {
        // Interrupted, to be restarted: it stops again at its new start.
        if (rval is -512 or -513 or -514 or -516) { t.Pending.Clear(); return; }
        bool ok = rval >= 0;
        int errno = ok ? 0 : (int)-rval;
        bool existed = ok || !PtraceNative.IsMissing(errno);
        if (ok && t.PendingChangesTree) _names.ForgetLinkFreeDirs();
        foreach (var p in t.Pending)
        {
            AccessKind kinds = p.Kinds;
            if (kinds == AccessKind.Exec) kinds = AccessKind.Stat;  // a failed exec (a successful one ends in OnExecDone): a probe
            if (!ok)
            {
                if (p.OnlyIfOk) continue;
                kinds &= ~(AccessKind.Write | AccessKind.Unlink | AccessKind.Mkdir);
                if (kinds == 0) continue;
            }
            // an open for reading and writing that made the file (O_RDWR|O_CREAT): nothing there was read (as the shim)
            else if (!p.ThereBefore && (kinds & AccessKind.Write) != 0) kinds &= ~AccessKind.Read;
            _report.Add(kinds, existed, p.Name);
        }
        t.Pending.Clear();
    }

    private void OnExecDone(int tid, Tracee t)
    {
        foreach (var p in t.Pending)
        {
            if (p.Kinds != AccessKind.Exec) continue;
            _report.Add(AccessKind.Exec, true, p.Name);
            // A script: its interpreters are read too, as deep as the kernel follows them.
            if (p.Absolute is null) continue;
            foreach (var (interpreter, there) in ExecDeps.Interpreters(p.Absolute, _names.BaseDir(tid, PtraceSyscalls.AT_FDCWD) ?? "/"))
                if (_names.TrackedName(interpreter) is { } interpreterName) _report.Add(AccessKind.Exec, there, interpreterName);
        }
        t.Pending.Clear();
        _report.Flush();  // what ran before a program (an in-job command, say) is known before what it declares
    }

    // ---- reading the tracee ------------------------------------------------------------------------

    private string? ReadString(int tid, ulong address)
    {
        if (address == 0) return null;
        int length = 0;
        fixed (byte* buffer = _stringBuffer)
            while (length < PathMax)
            {
                // Up to the end of the remote page: a read that crosses into an unmapped page fails whole.
                int chunk = (int)Math.Min((ulong)(PathMax - length), 4096 - ((address + (ulong)length) & 4095));
                var local = new Libc.IoVec { Base = buffer + length, Length = (nuint)chunk };
                var remote = new Libc.IoVec { Base = (void*)(address + (ulong)length), Length = (nuint)chunk };
                nint got = Libc.ProcessVmReadv(tid, &local, 1, &remote, 1, 0);
                if (got <= 0) return null;
                int nul = new ReadOnlySpan<byte>(buffer + length, (int)got).IndexOf((byte)0);
                if (nul >= 0) return Encoding.UTF8.GetString(buffer, length + nul);
                length += (int)got;
            }
        return null;  // longer than PATH_MAX: ENAMETOOLONG for the kernel too
    }

    private static ulong ReadU64(int tid, ulong address)
    {
        ulong value = 0;
        var local = new Libc.IoVec { Base = &value, Length = 8 };
        var remote = new Libc.IoVec { Base = (void*)address, Length = 8 };
        Libc.ProcessVmReadv(tid, &local, 1, &remote, 1, 0);
        return value;
    }

    // ---- the seccomp filter, injected at C's first syscall ------------------------------------------

    // The tracee is at the start of a syscall: make it run prctl(PR_SET_NO_NEW_PRIVS) then seccomp(filter)
    // in place of it, then run that syscall itself again. If anything fails, every syscall stops instead.
    private void InstallFilter(int tid, Tracee t)
    {
        PtraceNative.Regs saved;
        if (Libc.Ptrace(PtraceNative.PTRACE_GETREGS, tid, 0, (nint)(&saved)) < 0) { _traceAll = true; Resume(tid, t, 0); return; }
        bool ok = Inject(tid, t, saved, SysPrctl, PR_SET_NO_NEW_PRIVS, 1, 0) == 0;
        if (ok)
        {
            byte[] filter = SeccompFilter.Build(PtraceSyscalls.Traced);
            // struct sock_fprog then the filter, on the tracee's stack well below what it uses (and its red zone).
            ulong at = (saved.Rsp - 2048 - (ulong)filter.Length - 16) & ~15UL;
            var block = new byte[16 + filter.Length];
            BitConverter.TryWriteBytes(block.AsSpan(0, 2), (ushort)(filter.Length / 8));
            BitConverter.TryWriteBytes(block.AsSpan(8, 8), at + 16);
            filter.CopyTo(block, 16);
            ok = WriteMemory(tid, at, block) && RestartSyscall(tid, t, saved)
                 && Inject(tid, t, saved, SysSeccomp, SECCOMP_SET_MODE_FILTER, 0, at) == 0;
        }
        var restore = saved;
        restore.Rip -= 2;  // back onto the syscall instruction: the syscall runs again, this time for real
        restore.Rax = saved.OrigRax;
        Libc.Ptrace(PtraceNative.PTRACE_SETREGS, tid, 0, (nint)(&restore));
        _filterInstalled = ok;
        _traceAll = !ok;
        Resume(tid, t, 0);
    }

    // At a syscall start: runs syscall nr(a, b, c) in its place; returns its result (or -1 if the tracee died).
    private long Inject(int tid, Tracee t, PtraceNative.Regs saved, ulong nr, ulong a, ulong b, ulong c)
    {
        var regs = saved;
        regs.OrigRax = nr;
        regs.Rdi = a; regs.Rsi = b; regs.Rdx = c; regs.R10 = 0; regs.R8 = 0; regs.R9 = 0;
        if (Libc.Ptrace(PtraceNative.PTRACE_SETREGS, tid, 0, (nint)(&regs)) < 0) return -1;
        if (!RunToSyscallStop(tid, t)) return -1;
        if (Libc.Ptrace(PtraceNative.PTRACE_GETREGS, tid, 0, (nint)(&regs)) < 0) return -1;
        return (long)regs.Rax;
    }

    // At a syscall end: back onto the syscall instruction, up to its start again.
    private bool RestartSyscall(int tid, Tracee t, PtraceNative.Regs saved)
    {
        var regs = saved;
        regs.Rip -= 2;
        regs.Rax = saved.OrigRax;
        return Libc.Ptrace(PtraceNative.PTRACE_SETREGS, tid, 0, (nint)(&regs)) == 0 && RunToSyscallStop(tid, t);
    }

    // Resumes the tracee up to its next syscall stop, passing on the signals that come first.
    private bool RunToSyscallStop(int tid, Tracee t)
    {
        int signal = 0;
        while (true)
        {
            if (Libc.Ptrace(PtraceNative.PTRACE_SYSCALL, tid, 0, signal) < 0) return false;
            int status;
            int r = Libc.WaitPid(tid, &status, PtraceNative.WALL);
            if (r < 0 && Marshal.GetLastPInvokeError() == PtraceNative.EINTR) continue;
            if (r != tid) return false;
            if ((status & 0xff) != 0x7f) { _tracees.Remove(tid); return false; }
            int sig = (status >> 8) & 0xff, ev = (status >> 16) & 0xffff;
            if (sig == SyscallTrap) return true;
            signal = 0;
            if (ev == 0 && !(sig == PtraceNative.SIGSTOP && t.Initial && !t.LauncherStopSkipped)) signal = sig;
            else if (sig == PtraceNative.SIGSTOP) t.LauncherStopSkipped = true;
        }
    }

    private static bool WriteMemory(int tid, ulong address, byte[] data)
    {
        fixed (byte* p = data)
        {
            var local = new Libc.IoVec { Base = p, Length = (nuint)data.Length };
            var remote = new Libc.IoVec { Base = (void*)address, Length = (nuint)data.Length };
            return Libc.ProcessVmWritev(tid, &local, 1, &remote, 1, 0) == data.Length;
        }
    }
}
