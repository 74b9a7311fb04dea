// Keeps the server's resident size near its live objects (issue 18). The server lives on with its whole graph in
// memory, and the GC left alone grows its heap well past what is live: measured at 10,000 files, 130 MB resident
// after a full build for 46 MB of live objects (each run allocates about 32 KB that survives it a while, and dies
// in gen 2, which is only collected when its budget says so). After a request that allocated much for the heap it
// has (a build, or a server's first request, which loads the graph), a collection that also gives the free memory
// back to the system, a moment after the request answered, on a pool thread, so that its client does not wait for
// it; a request that allocated little (a no-op of a server that is up) costs none. During a build, a full compacting
// collection each time the server allocated as much as its heap held after the last one (DuringBuild).
namespace Lmake.Server.Engine;

public static class HeapTrim
{
    /// <summary>A request that allocated this many bytes is followed by a collection; one that allocated half the heap
    /// too (a new server's first no-op loads the graph: on the 10,000-file C project it allocates 27 MB, and its server
    /// stayed at its peak, 66 MB, without a collection after it), unless it allocated less than the floor (a small repo).</summary>
    private const long AfterRequestThreshold = 32L << 20, AfterRequestFloor = 8L << 20;

    /// <summary>How long after the answer: the client reads its exit code meanwhile (a collection stops every thread).</summary>
    private static readonly TimeSpan Delay = TimeSpan.FromMilliseconds(50);

    /// <summary>During a build, a full compacting collection each time a run ends after the server allocated, since the
    /// last one, a quarter of what the heap held after it (at least the floor). What a run allocates and keeps a while
    /// (its results, its making's state) dies old, and the GC left alone lets it pile up in gen 2 until its own budget
    /// is spent, which a heap of mostly live objects makes large. A collection costs about what the heap holds and comes
    /// once per a quarter of that allocated: a bounded share of the build's time at any size. Measured on the 10,000-file
    /// fakecc build (318 MB allocated), one run each: a budget of the whole heap (16 MB floor) peaked at 47.5 MB with
    /// 20 full collections, 510 ms of pauses; half of it 46.6 MB, 34, 791 ms; a quarter 44.5 MB, 64, 1.1 s (1.7% of the
    /// build); an eighth did not lower the peak further (the start of the build, every job waiting, is then the peak).
    /// A build under the floor allocated makes none.</summary>
    public static void DuringBuild()
    {
        // the large objects too: the tables that grew in a build (the graph's dictionaries, the memo's lists) left their
        // former arrays' room free among them, which a collection that moves only small objects keeps (2.7 MB measured
        // as fragments after each collection in the C project's build)
        System.Runtime.GCSettings.LargeObjectHeapCompactionMode = System.Runtime.GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        _allocatedAtLast = GC.GetTotalAllocatedBytes();
        _budget = BudgetAfter(GC.GetGCMemoryInfo(GCKind.FullBlocking).HeapSizeBytes);
    }

    /// <summary>Is a collection due during a build (see <see cref="DuringBuild"/>)? Asked on the engine thread as runs end.</summary>
    public static bool DueDuringBuild() => GC.GetTotalAllocatedBytes() - _allocatedAtLast >= _budget;

    /// <summary>What may be allocated after a collection during a build before the next one: a quarter of what its heap held.</summary>
    public static long BudgetAfter(long heapBytes) => Math.Max(DuringBuildFloor, heapBytes / 4);

    private const long DuringBuildFloor = 4L << 20;
    private static long _allocatedAtLast, _budget = DuringBuildFloor;   // (engine thread only: runs end, requests end)

    /// <summary>Is a collection worth asking for after a request that allocated that much, with a heap that large?</summary>
    public static bool WorthAfter(long allocatedBytes, long heapBytes) =>
        allocatedBytes >= Math.Min(AfterRequestThreshold, Math.Max(AfterRequestFloor, heapBytes / 2));

    public static void AfterRequest(long allocatedBytes, long heapBytes)
    {
        // the next build counts what it allocates itself: a build of a few jobs after a cold no-op of a large repo (which
        // allocated the whole graph) collects nothing while it runs
        _allocatedAtLast = GC.GetTotalAllocatedBytes();
        if (!WorthAfter(allocatedBytes, heapBytes)) return;
        Task.Delay(Delay).ContinueWith(_ => GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true),
            TaskScheduler.Default);
    }
}
