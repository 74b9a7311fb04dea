// The listening end of the in-job command channel: one unix stream socket per process (abstract namespace,
// so nothing to clean up), created with the first job, served on the JobReactor's epoll thread like the
// jobs' pipes. A job finds it through $LMAKE_JOB_CHANNEL = "NAME:KEY" and names itself by its key (random,
// per job), which also authenticates it: the abstract namespace is open to every local user.
// Each in-job command connects, sends one request frame (JobChannelWire), reads the reply and closes; so
// nothing depends on the job keeping an fd open (close_fds, daemons, env -i all leave it working).
using Lmake.Common;
using Lmake.Common.Protocol;
using System.Collections.Concurrent;
using System.Runtime.InteropServices;

namespace Lmake.Autodep;

internal sealed unsafe class JobChannel
{
    public static JobChannel Shared => s_shared.Value;
    private static readonly Lazy<JobChannel> s_shared = new(() => new JobChannel(JobReactor.Shared), LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The environment variable a job finds the channel in.</summary>
    public const string EnvironmentName = "LMAKE_JOB_CHANNEL";

    private const int SendTimeoutMs = 10_000;

    private readonly JobReactor _reactor;
    private readonly int _listenFd;
    private readonly ConcurrentDictionary<string, TrackedJob> _jobs = new(StringComparer.Ordinal);
    // Reactor thread only.
    private readonly List<Connection?> _connections = [];
    private readonly Stack<int> _freeConnections = new();

    /// <summary>The socket's abstract name (without the leading NUL).</summary>
    public string Name { get; }

    private sealed class Connection(int fd, int id)
    {
        public int Fd = fd;
        public readonly int Id = id;
        public byte[] Buffer = new byte[4096];
        public int Length;
    }

    private JobChannel(JobReactor reactor)
    {
        _reactor = reactor;
        Name = $"lmake-job-{Environment.ProcessId}-{NameSuffix()}";
        _listenFd = Libc.Socket(ChannelNative.AF_UNIX, ChannelNative.SOCK_STREAM | ChannelNative.SOCK_NONBLOCK | ChannelNative.SOCK_CLOEXEC, 0);
        if (_listenFd < 0) throw new InvalidOperationException("socket: " + Native.ErrorText(Marshal.GetLastPInvokeError()));
        byte* addr = stackalloc byte[110];
        int len = ChannelNative.AbstractAddress(Name, addr);
        if (Libc.Bind(_listenFd, addr, len) != 0 || Libc.Listen(_listenFd, 1024) != 0)
            throw new InvalidOperationException($"in-job command channel {Name}: " + Native.ErrorText(Marshal.GetLastPInvokeError()));
        reactor.WatchChannel(_listenFd, JobReactor.ChannelListenMarker);
    }

    private static string NameSuffix() => Lmake.Common.SecureRandom.Hex(6);

    /// <summary>Gives the job its key; returns the value of $LMAKE_JOB_CHANNEL for it.</summary>
    public string Register(TrackedJob job, out string key)
    {
        key = NewKey();
        _jobs[key] = job;
        return Name + ":" + key;
    }

    // random bytes for keys, drawn 4 KiB at a time: one RNG call per job was a few % of the server's time
    private readonly byte[] _random = new byte[4096];
    private int _randomUsed = 4096;

    private string NewKey()
    {
        lock (_random)
        {
            if (_randomUsed + 16 > _random.Length)
            {
                Lmake.Common.SecureRandom.Fill(_random);
                _randomUsed = 0;
            }
            string key = Convert.ToHexStringLower(_random, _randomUsed, 16);
            Array.Clear(_random, _randomUsed, 16);   // a key is never handed out twice, nor kept in memory longer than needed
            _randomUsed += 16;
            return key;
        }
    }

    public void Unregister(string? key)
    {
        if (key is not null) _jobs.TryRemove(key, out _);
    }

    /// <summary>On the reactor thread: accepts every pending connection.</summary>
    public void OnAcceptReady()
    {
        while (true)
        {
            int fd = Libc.Accept4(_listenFd, null, null, ChannelNative.SOCK_NONBLOCK | ChannelNative.SOCK_CLOEXEC);
            if (fd < 0) return;  // EAGAIN: no more; anything else (EMFILE...): the client sees its connection fail
            int id;
            if (_freeConnections.Count > 0) id = _freeConnections.Pop(); else { id = _connections.Count; _connections.Add(null); }
            _connections[id] = new Connection(fd, id);
            _reactor.WatchChannel(fd, ((ulong)(uint)id << 3) | JobReactor.WhatChannel);
        }
    }

    /// <summary>On the reactor thread: reads what a connection sent and handles each complete request.</summary>
    public void OnReadable(int id)
    {
        if (id >= _connections.Count || _connections[id] is not { } c) return;
        while (true)
        {
            if (c.Length == c.Buffer.Length) Array.Resize(ref c.Buffer, c.Buffer.Length * 2);
            nint n;
            fixed (byte* b = c.Buffer) n = Libc.Recv(c.Fd, b + c.Length, c.Buffer.Length - c.Length, 0);
            if (n < 0)
            {
                int errno = Marshal.GetLastPInvokeError();
                if (errno == ChannelNative.EINTR) continue;
                if (errno == ChannelNative.EAGAIN) break;
                Close(c);
                return;
            }
            if (n == 0) { Close(c); return; }
            c.Length += (int)n;
        }
        while (c.Length >= 4)
        {
            int payload = JobChannelFrames.PayloadLength(c.Buffer);
            if (payload < 0) { Send(c, JobChannelWire.Error("request too large")); Close(c); return; }
            if (c.Length < 4 + payload) return;
            byte[] request = c.Buffer.AsSpan(4, payload).ToArray();
            c.Buffer.AsSpan(4 + payload, c.Length - 4 - payload).CopyTo(c.Buffer);
            c.Length -= 4 + payload;
            Handle(c, request);
        }
    }

    private void Handle(Connection c, byte[] request)
    {
        List<string>? fields = JobChannelFrames.Fields(request);
        if (fields is null || fields.Count < 3) { Send(c, JobChannelWire.Error("malformed request")); return; }
        if (!_jobs.TryGetValue(fields[0], out TrackedJob? job))
        {
            Send(c, JobChannelWire.Error("this job is not running any more (or the key is wrong)"));
            return;
        }
        if (!job.IsWatched)
        {
            // Started a moment ago, the starting thread is still handing it to the reactor: try again shortly.
            _reactor.Post(() => { if (ReferenceEquals(_connections.ElementAtOrDefault(c.Id), c)) Handle(c, request); });
            return;
        }
        job.DrainReports(_reactor);  // accesses made before the request come first
        JobCommandRequest.Handle(job, fields, reply => Reply(c, reply));
    }

    /// <summary>From any thread: sends the reply to the connection if it is still open.</summary>
    private void Reply(Connection c, byte[] reply)
    {
        if (Environment.CurrentManagedThreadId == _reactor.ThreadId) { Send(c, reply); return; }
        _reactor.Post(() => { if (ReferenceEquals(_connections.ElementAtOrDefault(c.Id), c)) Send(c, reply); });
    }

    // The reply is small and the client waits for it: a blocking send, bounded in time, keeps this simple.
    private static void Send(Connection c, byte[] data)
    {
        int at = 0;
        while (at < data.Length && c.Fd >= 0)
        {
            nint n;
            fixed (byte* b = data) n = Libc.Send(c.Fd, b + at, data.Length - at, ChannelNative.MSG_NOSIGNAL);
            if (n > 0) { at += (int)n; continue; }
            int errno = Marshal.GetLastPInvokeError();
            if (errno == ChannelNative.EINTR) continue;
            if (errno != ChannelNative.EAGAIN) return;  // the client is gone
            var pfd = new Libc.PollFd { Fd = c.Fd, Events = ChannelNative.POLLOUT };
            if (Libc.Poll(&pfd, 1, SendTimeoutMs) <= 0) return;
        }
    }

    private void Close(Connection c)
    {
        if (c.Fd < 0) return;
        Libc.EpollCtl(_reactor.EpollFd, Native.EPOLL_CTL_DEL, c.Fd, null);
        Libc.Close(c.Fd);
        c.Fd = -1;
        _connections[c.Id] = null;
        _freeConnections.Push(c.Id);
    }
}
