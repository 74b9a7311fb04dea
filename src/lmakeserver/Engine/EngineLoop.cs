// The engine thread: one thread owns every node and job, so the make algorithm needs no locks. Other
// threads (clients, job reapers) only post work to it; `await` inside the engine resumes on it.
// Waits never spin: on 2 cores a spinning waiter steals the CPU the jobs (or the engine) need.
using Lmake.Common;

namespace Lmake.Server.Engine;

public sealed class EngineLoop : SynchronizationContext, IDisposable
{
    private readonly Queue<(SendOrPostCallback callback, object? state)> _queue = new();
    private bool _sleeping, _disposed;

    [ThreadStatic] private static EngineLoop? t_ownLoop;   // set on an engine thread, to its loop

    public EngineLoop() => Lmake.Common.NativeThread.Start(Run, "engine");

    public bool IsEngineThread => t_ownLoop == this;

    public override void Post(SendOrPostCallback d, object? state)
    {
        lock (_queue)
        {
            _queue.Enqueue((d, state));
            if (_sleeping) Monitor.Pulse(_queue);
        }
    }

    public override void Send(SendOrPostCallback d, object? state)
    {
        if (IsEngineThread) { d(state); return; }
        using var done = new ManualResetEventSlim();
        Exception? error = null;
        Post(_ => { try { d(state); } catch (Exception e) { error = e; } finally { done.Set(); } }, null);
        done.WaitHandle.WaitOne();
        if (error != null) throw new AggregateException(error);
    }

    /// <summary>Runs an async engine function on the engine thread and returns its task (awaitable from
    /// any thread).</summary>
    public Task<T> Run<T>(Func<Task<T>> work) => this.RunOn(work);

    /// <summary>Blocks the calling (non-engine) thread until <paramref name="task"/> ends, without spinning.</summary>
    public static T Wait<T>(Task<T> task)
    {
        if (!task.IsCompleted) ((IAsyncResult)task).AsyncWaitHandle.WaitOne();
        return task.GetAwaiter().GetResult();
    }

    /// <summary>Called on the engine thread each time it has nothing left to do (the engine looks for requests that
    /// wait on each other's work with nothing running: a cycle of deps).</summary>
    public Action? Idle { get; set; }

    private void Run()
    {
        t_ownLoop = this;
        SetSynchronizationContext(this);
        var batch = new List<(SendOrPostCallback callback, object? state)>();
        while (true)
        {
            if (Idle is { } idle)
            {
                bool empty;
                lock (_queue) empty = _queue.Count == 0;
                if (empty) idle();
            }
            lock (_queue)
            {
                while (_queue.Count == 0)
                {
                    if (_disposed) return;
                    _sleeping = true;
                    Monitor.Wait(_queue);
                    _sleeping = false;
                }
                while (_queue.TryDequeue(out var item)) batch.Add(item);
            }
            foreach (var (callback, state) in batch) callback(state);
            batch.Clear();
        }
    }

    public void Dispose()
    {
        lock (_queue)
        {
            _disposed = true;
            Monitor.Pulse(_queue);
        }
    }
}
