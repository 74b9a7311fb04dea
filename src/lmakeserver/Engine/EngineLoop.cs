// The engine thread: one thread owns every node and job, so the make algorithm needs no locks. Other
// threads (clients, job reapers) only post work to it; `await` inside the engine resumes on it.
using System.Collections.Concurrent;

namespace Lmake.Server.Engine;

public sealed class EngineLoop : SynchronizationContext, IDisposable
{
    private readonly BlockingCollection<(SendOrPostCallback callback, object? state)> _queue = new();
    private readonly Thread _thread;

    public EngineLoop()
    {
        _thread = new Thread(Run) { Name = "engine", IsBackground = true };
        _thread.Start();
    }

    public bool IsEngineThread => Thread.CurrentThread == _thread;

    public override void Post(SendOrPostCallback d, object? state) => _queue.Add((d, state));

    public override void Send(SendOrPostCallback d, object? state)
    {
        if (IsEngineThread) { d(state); return; }
        using var done = new ManualResetEventSlim();
        Exception? error = null;
        Post(_ => { try { d(state); } catch (Exception e) { error = e; } finally { done.Set(); } }, null);
        done.Wait();
        if (error != null) throw new AggregateException(error);
    }

    /// <summary>Runs an async engine function on the engine thread and returns its task (awaitable from
    /// any thread).</summary>
    public Task<T> Run<T>(Func<Task<T>> work)
    {
        var tcs = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        Post(async _ =>
        {
            try { tcs.SetResult(await work()); }
            catch (Exception e) { tcs.SetException(e); }
        }, null);
        return tcs.Task;
    }

    private void Run()
    {
        SetSynchronizationContext(this);
        foreach (var (callback, state) in _queue.GetConsumingEnumerable())
            callback(state);
    }

    public void Dispose() => _queue.CompleteAdding();
}
