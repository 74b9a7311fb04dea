// The GC while a new server builds its graph (issue 18: the cold no-op). The first request of a server loads the
// whole graph from the store: nearly everything it allocates lives on, and the default (batch) mode spent a tenth of
// that request in full, compacting collections of a heap that was all live. The low-latency mode collects only the
// young generations meanwhile (measured at 30,000 files: 1.25 s -> 1.08 s for a cold no-op). It lasts until the first
// run is handed to a backend or the first request has made its targets, whichever comes first: a build then goes on
// under the default mode, which bounds its peak (full collections are what keep the heap near its live size).
using System.Runtime;

namespace Lmake.Server.Engine;

internal static class StartupGc
{
    private static bool _on;

    /// <summary>At server start, before the saved rules and the store are read (on the engine thread).</summary>
    public static void Begin()
    {
        GCSettings.LatencyMode = GCLatencyMode.LowLatency;
        _on = true;
    }

    /// <summary>The graph is loaded, or a run starts: back to the default mode (once; later calls do nothing).</summary>
    public static void End()
    {
        if (!_on) return;
        _on = false;
        GCSettings.LatencyMode = GCLatencyMode.Batch;
    }
}
