// Keeps the server's resident size near its live objects (issue 18). The server lives on with its whole graph in
// memory, and the GC left alone grows its heap well past what is live: measured at 10,000 files, 130 MB resident
// after a full build for 46 MB of live objects (each run allocates about 32 KB that survives it a while, and dies
// in gen 2, which is only collected when its budget says so). After a request that allocated much for the heap it
// has (a build, or a server's first request, which loads the graph), a collection that also gives the free memory
// back to the system, a moment after the request answered, on a pool thread, so that its client does not wait for
// it; a request that allocated little (a no-op of a server that is up) costs none. During a build, a full
// collection each time an eighth of its jobs ended (DuringBuild): once the makings of ended jobs were let go as they
// ended (MakeRequest.RunsEnded), it lowered the peak; before, when they were all held to the request's end, it had
// not (113 and 116 MB then).
namespace Lmake.Server.Engine;

public static class HeapTrim
{
    /// <summary>A request that allocated this many bytes is followed by a collection; one that allocated half the heap
    /// too (a new server's first no-op loads the graph: on the 10,000-file C project it allocates 27 MB, and its server
    /// stayed at its peak, 66 MB, without a collection after it), unless it allocated less than the floor (a small repo).</summary>
    private const long AfterRequestThreshold = 32L << 20, AfterRequestFloor = 8L << 20;

    /// <summary>How long after the answer: the client reads its exit code meanwhile (a collection stops every thread).</summary>
    private static readonly TimeSpan Delay = TimeSpan.FromMilliseconds(50);

    /// <summary>During a long build, each time the request let go of the makings of an eighth of its jobs (MakeRequest
    /// .RunsEnded): a full collection, not compacting. What a run allocates and keeps a while dies old, and the GC
    /// left alone lets it pile up in gen 2 until its budget is spent: at 10,000 files (the C project, fakecc) the peak
    /// of a full build was 64 MB without these collections and 59 MB with them (same run time; compacting ones did
    /// no better). They come every eighth of the jobs, so a build makes about ten, and a small build (under 256 runs)
    /// none.</summary>
    public static void DuringBuild() => GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: false);

    /// <summary>Is a collection worth asking for after a request that allocated that much, with a heap that large?</summary>
    public static bool WorthAfter(long allocatedBytes, long heapBytes) =>
        allocatedBytes >= Math.Min(AfterRequestThreshold, Math.Max(AfterRequestFloor, heapBytes / 2));

    public static void AfterRequest(long allocatedBytes, long heapBytes)
    {
        if (!WorthAfter(allocatedBytes, heapBytes)) return;
        Task.Delay(Delay).ContinueWith(_ => GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true),
            TaskScheduler.Default);
    }
}
