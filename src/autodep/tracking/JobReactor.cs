// The one thread that watches every running job: it reads their pipes (output and access reports), reaps
// them through pidfds, and fires their deadlines (timeout, kill escalation, stragglers), all from a single
// epoll set. Jobs are started on the caller's thread and handed over here.
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;
using Lmake.Common;

namespace Lmake.Autodep;

internal sealed unsafe class JobReactor
{
    public static JobReactor Shared => s_shared.Value;
    private static readonly Lazy<JobReactor> s_shared = new(() => new JobReactor(), LazyThreadSafetyMode.ExecutionAndPublication);

    // epoll data: (slot << 3) | what; the wake-up eventfd has its own marker.
    public const int WhatStdout = 0, WhatStderr = 1, WhatReport = 2, WhatPid = 3;
    // In-job command channel (JobChannel): its listening socket, and its connections ((id << 3) | WhatChannel).
    public const int WhatChannel = 4;
    public const ulong ChannelListenMarker = ulong.MaxValue - 1;
    private const ulong WakeMarker = ulong.MaxValue;

    private readonly int _epoll;
    public int EpollFd => _epoll;
    private readonly int _wake;
    private readonly object _lock = new();
    private readonly List<TrackedJob?> _slots = [];
    private readonly Stack<int> _freeSlots = new();
    private readonly HashSet<TrackedJob> _withDeadline = [];
    private readonly List<int> _released = [];
    private readonly ConcurrentQueue<Action> _posted = new();
    private readonly byte[] _readBuffer = new byte[1 << 16];

    private JobReactor()
    {
        _epoll = Libc.EpollCreate1(Native.O_CLOEXEC);
        _wake = Libc.EventFd(0, Native.EFD_CLOEXEC | Native.EFD_NONBLOCK);
        if (_epoll < 0 || _wake < 0) throw new InvalidOperationException("epoll/eventfd: " + Native.ErrorText(Marshal.GetLastPInvokeError()));
        var ev = new Libc.EpollEvent { Events = Native.EPOLLIN, Data = WakeMarker };
        Libc.EpollCtl(_epoll, Native.EPOLL_CTL_ADD, _wake, &ev);
        var thread = new Thread(Loop) { IsBackground = true, Name = "lmake job reactor" };
        thread.Start();
        ThreadId = thread.ManagedThreadId;
    }

    /// <summary>The managed id of the reactor thread.</summary>
    public int ThreadId { get; }

    /// <summary>The buffer reads of job pipes use (reactor thread only).</summary>
    public byte[] ReadBuffer => _readBuffer;

    /// <summary>Adds a socket of the in-job command channel to the epoll set.</summary>
    public void WatchChannel(int fd, ulong data)
    {
        var ev = new Libc.EpollEvent { Events = Native.EPOLLIN, Data = data };
        Libc.EpollCtl(_epoll, Native.EPOLL_CTL_ADD, fd, &ev);
    }

    public void Register(TrackedJob job)
    {
        int slot;
        lock (_lock)
        {
            if (_freeSlots.Count > 0) { slot = _freeSlots.Pop(); _slots[slot] = job; }
            else { slot = _slots.Count; _slots.Add(job); }
            job.Slot = slot;
        }
        // Read before watching: once watched, the reactor owns the job's state (it may even be done).
        bool timed = job.HasDeadline;
        Watch(job.StdoutFd, slot, WhatStdout);
        Watch(job.StderrFd, slot, WhatStderr);
        Watch(job.ReportFd, slot, WhatReport);
        Watch(job.PidFd, slot, WhatPid);
        if (timed) Post(() => TrackDeadline(job));
    }

    private void Watch(int fd, int slot, int what)
    {
        if (fd < 0) return;
        var ev = new Libc.EpollEvent { Events = Native.EPOLLIN, Data = ((ulong)(uint)slot << 3) | (uint)what };
        Libc.EpollCtl(_epoll, Native.EPOLL_CTL_ADD, fd, &ev);
    }

    /// <summary>Runs an action on the reactor thread (the only one that touches a job's running state).</summary>
    public void Post(Action action)
    {
        _posted.Enqueue(action);
        ulong one = 1;
        Libc.Write(_wake, (byte*)&one, sizeof(ulong));
    }

    /// <summary>On the reactor thread: (re)considers the job's deadlines.</summary>
    public void TrackDeadline(TrackedJob job)
    {
        if (job.HasDeadline && !job.IsCompleted) _withDeadline.Add(job); else _withDeadline.Remove(job);
    }

    /// <summary>On the reactor thread, once the job's fds are closed. The slot is reused only after the
    /// current batch of events, which may still name it.</summary>
    public void Release(TrackedJob job)
    {
        _withDeadline.Remove(job);
        _released.Add(job.Slot);
    }

    private void FreeReleasedSlots()
    {
        if (_released.Count == 0) return;
        lock (_lock)
            foreach (int slot in _released) { _slots[slot] = null; _freeSlots.Push(slot); }
        _released.Clear();
    }

    private void Loop()
    {
        const int MaxEvents = 256;
        var events = new Libc.EpollEvent[MaxEvents];
        while (true)
        {
            int timeout = NextTimeoutMs();
            int n;
            fixed (Libc.EpollEvent* e = events) n = Libc.EpollWait(_epoll, e, MaxEvents, timeout);
            if (n < 0)
            {
                if (Marshal.GetLastPInvokeError() == Native.EINTR) continue;
                throw new InvalidOperationException("epoll_wait: " + Native.ErrorText(Marshal.GetLastPInvokeError()));
            }
            for (int i = 0; i < n; i++)
            {
                ulong data = events[i].Data;
                if (data == WakeMarker) { DrainPosted(); continue; }
                if (data == ChannelListenMarker || (data & 7) == WhatChannel)
                {
                    try
                    {
                        if (data == ChannelListenMarker) JobChannel.Shared.OnAcceptReady();
                        else JobChannel.Shared.OnReadable((int)(data >> 3));
                    }
                    catch (Exception e) { Console.Error.WriteLine($"lmake job channel: {e.Message}"); }  // keep serving the jobs
                    continue;
                }
                Dispatch(data);
            }
            if (_withDeadline.Count > 0) FireDeadlines();
            FreeReleasedSlots();
        }
    }

    // (a method of its own: a local of the loop holding the last job would keep it, and through it the whole request
    // it ran for, alive while the loop sleeps in epoll_wait)
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private void Dispatch(ulong data)
    {
        TrackedJob? job;
        lock (_lock) job = _slots[(int)(data >> 3)];
        if (job is null) return;
        int what = (int)(data & 7);
        try
        {
            if (what == WhatPid) job.OnPidReady(this);
            else job.OnReadable(this, what, _readBuffer);
        }
        catch (Exception e) { job.Fail(this, e); }
    }

    private void DrainPosted()
    {
        ulong count;
        Libc.Read(_wake, (byte*)&count, sizeof(ulong));
        while (_posted.TryDequeue(out var action))
        {
            try { action(); }
            catch (Exception e) { Console.Error.WriteLine($"lmake job reactor: {e.Message}"); }  // keep serving the other jobs
        }
    }

    private int NextTimeoutMs()
    {
        if (_withDeadline.Count == 0) return -1;
        long now = Stopwatch.GetTimestamp();
        long earliest = long.MaxValue;
        foreach (var job in _withDeadline) earliest = Math.Min(earliest, job.NextDeadline);
        if (earliest <= now) return 0;
        double ms = (earliest - now) * 1000.0 / Stopwatch.Frequency;
        return (int)Math.Min(int.MaxValue, Math.Ceiling(ms));
    }

    private void FireDeadlines()
    {
        long now = Stopwatch.GetTimestamp();
        List<TrackedJob>? due = null;
        foreach (var job in _withDeadline)
            if (job.NextDeadline <= now) (due ??= []).Add(job);
        if (due is null) return;
        foreach (var job in due)
        {
            try { job.OnDeadline(this, now); }
            catch (Exception e) { job.Fail(this, e); }
        }
    }
}
