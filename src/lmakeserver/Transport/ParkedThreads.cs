// Threads for blocking work (a client's session, its output link) that park when done and are handed the
// next piece of work instead of exiting. Starting a thread costs a stack mapping and a clone (and, with
// NativeAOT's Thread.Start, a spin of sched_yield until the new thread runs: they are started as native
// threads, see NativeThread): several per connection were a fifth of the server's CPU in a no-op `lmake`.
// The .NET thread pool is no substitute: this work blocks for the whole request, and the pool adds
// threads for blocked work only after a delay.
namespace Lmake.Server.Transport;

internal static class ParkedThreads
{
    private sealed class Worker
    {
        public Action? Work;   // guarded by the worker itself
    }

    private static readonly object Lock = new();
    private static readonly List<Worker> Idle = [];   // guarded by Lock

    /// <summary>How long a parked thread waits for work before it exits: a burst of connections reuses
    /// them, a server left alone does not keep them.</summary>
    private const int ParkMilliseconds = 30_000;

    /// <summary>Runs <paramref name="work"/> on a parked thread, or on a new one when none is idle.</summary>
    public static void Run(Action work, string name)
    {
        Worker? parked = null;
        lock (Lock)
        {
            if (Idle.Count > 0)
            {
                parked = Idle[^1];
                Idle.RemoveAt(Idle.Count - 1);
            }
        }
        if (parked != null)
        {
            lock (parked)
            {
                parked.Work = work;
                Monitor.Pulse(parked);
            }
            return;
        }
        var worker = new Worker { Work = work };
        Lmake.Common.NativeThread.Start(() => Loop(worker), name);
    }

    private static void Loop(Worker worker)
    {
        while (true)
        {
            Action work;
            lock (worker)
            {
                work = worker.Work!;
                worker.Work = null;
            }
            work();   // as on a thread of its own: what it does not catch ends the server
            lock (Lock) Idle.Add(worker);
            if (!WaitForWork(worker)) return;
        }
    }

    /// <summary>false: no work came in time and the worker left the idle list (its thread then ends).</summary>
    private static bool WaitForWork(Worker worker)
    {
        while (true)
        {
            lock (worker)
                if (worker.Work != null || Monitor.Wait(worker, ParkMilliseconds) && worker.Work != null) return true;
            lock (Lock)
                if (Idle.Remove(worker)) return false;
            // Run took it off the idle list just now: its work is on the way
        }
    }
}
