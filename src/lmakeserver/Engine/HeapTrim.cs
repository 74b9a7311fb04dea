// Keeps the server's resident size near its live objects (issue 18). The server lives on with its whole graph in
// memory, and the GC left alone grows its heap well past what is live: measured at 10,000 files, 130 MB resident
// after a full build for 46 MB of live objects (each run allocates about 32 KB that survives it a while, and dies
// in gen 2, which is only collected when its budget says so). Two collections are asked for:
// - during a build, a full one whenever the heap has grown past half again what was live after the last one (plus
//   a floor): its cost is a share of what the runs allocated, a small one (a run costs far more than its 32 KB).
//   At 10,000 files it seldom fires and the peak is the same with it or without (113 and 116 MB, within noise):
//   there the peak comes with the graph's first load; it is a bound for longer builds, not measured yet;
// - after a request that allocated much (a build, or a server's first request, which loads the graph), one that
//   also gives the free memory back to the system, a moment after the request answered, on a pool thread, so that
//   its client does not wait for it; a request that allocated little (a no-op of a server that is up) costs none.
namespace Lmake.Server.Engine;

internal static class HeapTrim
{
    /// <summary>Below this many bytes allocated by a request, no collection is asked for after it.</summary>
    private const long AfterRequestThreshold = 32L << 20;

    /// <summary>How long after the answer: the client reads its exit code meanwhile (a collection stops every thread).</summary>
    private static readonly TimeSpan Delay = TimeSpan.FromMilliseconds(50);

    /// <summary>Growth allowed above what was live whatever the size: a small graph is not collected at every run.</summary>
    private const long Floor = 16L << 20;

    // what was live after the last full collection (0: none yet, the first check takes the heap as it is)
    private static long _live;
    private static int _runs;

    public static void AfterRequest(long allocatedBytes)
    {
        if (allocatedBytes < AfterRequestThreshold) return;
        Task.Delay(Delay).ContinueWith(_ =>
        {
            GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
            _live = GC.GetTotalMemory(false);
        }, TaskScheduler.Default);
    }

    /// <summary>A run ended (on the engine thread): every 32 of them, the heap is looked at.</summary>
    public static void RunEnded()
    {
        if (++_runs % 32 != 0) return;
        long now = GC.GetTotalMemory(false);
        if (_live == 0) { _live = now; return; }
        if (now < _live + _live / 2 + Floor) return;
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        _live = GC.GetTotalMemory(false);
    }
}
