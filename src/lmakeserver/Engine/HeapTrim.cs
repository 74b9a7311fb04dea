// Keeps the server's resident size near its live objects (issue 18). The server lives on with its whole graph in
// memory, and the GC left alone grows its heap well past what is live: measured at 10,000 files, 130 MB resident
// after a full build for 46 MB of live objects (each run allocates about 32 KB that survives it a while, and dies
// in gen 2, which is only collected when its budget says so). After a request that allocated much (a build, or a
// server's first request, which loads the graph), a collection that also gives the free memory back to the system,
// a moment after the request answered, on a pool thread, so that its client does not wait for it; a request that
// allocated little (a no-op of a server that is up) costs none. During a build, a full collection each time an eighth
// of its jobs ended (DuringBuild): once the makings of ended jobs were let go as they ended (MakeRequest.RunsEnded),
// it lowered the peak; before, when they were all held to the request's end, it had not (113 and 116 MB then).
namespace Lmake.Server.Engine;

internal static class HeapTrim
{
    /// <summary>Below this many bytes allocated by a request, no collection is asked for after it.</summary>
    private const long AfterRequestThreshold = 32L << 20;

    /// <summary>How long after the answer: the client reads its exit code meanwhile (a collection stops every thread).</summary>
    private static readonly TimeSpan Delay = TimeSpan.FromMilliseconds(50);

    /// <summary>During a long build, each time the request let go of the makings of an eighth of its jobs (MakeRequest
    /// .RunsEnded): a full collection, not compacting. What a run allocates and keeps a while dies old, and the GC
    /// left alone lets it pile up in gen 2 until its budget is spent: at 10,000 files (the C project, fakecc) the peak
    /// of a full build was 64 MB without these collections and 59 MB with them (same run time; compacting ones did
    /// no better). They come every eighth of the jobs, so a build makes about ten, and a small build (under 256 runs)
    /// none.</summary>
    public static void DuringBuild() => GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: false);

    public static void AfterRequest(long allocatedBytes)
    {
        if (allocatedBytes < AfterRequestThreshold) return;
        Task.Delay(Delay).ContinueWith(_ => GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true),
            TaskScheduler.Default);
    }
}
