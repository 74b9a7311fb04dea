// One job a remote backend has submitted and waits for: the key its job_exec must show, what to send it once
// it connects, and how it ended (its report, or lost: never connected, or cut off before reporting).
using Lmake.Autodep.Remote;
using Lmake.Common.Protocol;

namespace Lmake.Server.Backends.Remote;

public sealed class RemoteJobSlot : IDisposable
{
    private readonly RemoteJobListener _listener;
    private readonly object _lock = new();
    private FrameWriter? _job;   // the connection to job_exec, once it is there
    private bool _killAsked;

    internal RemoteJobSlot(RemoteJobListener listener, int number, string key, RemoteJobOrder order, JobCommands commands, Action<byte[]>? liveStdout)
    {
        _listener = listener;
        Number = number;
        Key = key;
        Order = order;
        Commands = commands;
        LiveStdout = liveStdout;
    }

    internal int Number { get; }
    /// <summary>What job_exec must give in its hello ($LMAKE_JOB_KEY): the slot number and a secret.</summary>
    public string Key { get; }
    internal RemoteJobOrder Order { get; }
    internal JobCommands Commands { get; }
    internal Action<byte[]>? LiveStdout { get; }

    /// <summary>job_exec connected with the right key: the job runs (Slurm gave it a node).</summary>
    public Task Connected => _connected.Task;
    private readonly TaskCompletionSource _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>How the job ended: job_exec's report, or null with <see cref="LostReason"/>.</summary>
    public Task<RemoteJobEnd?> Ended => _ended.Task;
    private readonly TaskCompletionSource<RemoteJobEnd?> _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string? LostReason { get; private set; }
    public bool IsConnected => _connected.Task.IsCompleted;
    public bool HasEnded => _ended.Task.IsCompleted;

    /// <summary>Stops the job if it runs (JobKill); it then reports, killed.</summary>
    public void Kill()
    {
        FrameWriter? job;
        lock (_lock)
        {
            _killAsked = true;
            job = _job;
        }
        if (job == null) return;
        try { job.Write(MessageKind.JobKill); }
        catch (Exception e) when (e is IOException or ObjectDisposedException) { }   // gone already: it reported, or is lost
    }

    /// <summary>The job will never report (Slurm says it ended without it, the connection was cut, it was
    /// cancelled before it started): the first reason given wins.</summary>
    public void Lose(string reason)
    {
        lock (_lock)
        {
            if (_ended.Task.IsCompleted) return;
            LostReason = reason;
        }
        _ended.TrySetResult(null);
    }

    internal bool Attach(FrameWriter job)
    {
        bool kill;
        lock (_lock)
        {
            if (_job != null || _ended.Task.IsCompleted) return false;
            _job = job;
            kill = _killAsked;
        }
        job.Write(MessageKind.JobOrder, RemoteJobWire.Order(Order));
        _connected.TrySetResult();
        if (kill) Kill();
        return true;
    }

    internal void Report(RemoteJobEnd end) => _ended.TrySetResult(end);

    public void Dispose() => _listener.Forget(this);
}
