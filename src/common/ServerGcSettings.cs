// The GC settings the lmake client gives the server it starts (issue 18). The GC reads its settings once, before any
// managed code runs, and a NativeAOT executable takes them from its environment only (RuntimeHostConfigurationOption
// reaches the GC under public names, and the region size has none): so the client puts them in the new server's
// environment, unless the user set them there, and the server takes them out of its own at start, so that what the
// Lmakefile sees as the user's environment (lmake.user_environ) is the user's.
//
// Regions of 1 MB instead of the default 4: the server's heap is a few generations each in its own regions, and at
// 10,000 files (the generated C project, a full build) the peak resident size was 66.0 MB with 4 MB regions and
// 61.3 MB with 1 MB ones, for the same live objects.
// A first generation of 16 MB at most: the GC grows its budget as what it collects survives, and a new server's
// first request loads the whole graph, all of which lives: on that C project a no-op of a new server peaked at 66.0 MB,
// and at 58.8 MB with 16 MB, in the same time (200 ms); at 100,000 files (bench/scale) 320 MB and 298 MB, 2.5-2.9 s
// either way. 4 MB did as well at 10,000 files (57.8 MB) but cost that no-op a tenth more time at 100,000.
// (Names as the runtime spells them: an environment name differing in case is not read.)
namespace Lmake.Common;

public static class ServerGcSettings
{
    /// <summary>The settings: DOTNET_ variables, whose numbers the runtime reads as hexadecimal.</summary>
    private static readonly (string Name, string Value)[] Settings =
        [("DOTNET_GCRegionSize", "100000"), ("DOTNET_GCGen0MaxBudget", "1000000")];

    /// <summary>Names the settings the client added (a user's own are not taken out by the server).</summary>
    private const string AddedMarker = "LMAKE_SERVER_GC_ADDED";

    /// <summary>The client's environment for the server: each setting the user did not give, and the marker naming them.</summary>
    public static IEnumerable<string> ForServer(IEnumerable<string> environ)
    {
        var given = new HashSet<string>(StringComparer.Ordinal);
        foreach (string entry in environ)
        {
            string name = entry[..Math.Max(0, entry.IndexOf('='))];
            if (name == AddedMarker) continue;   // a client started by a server (a job's lmake): its own is made here
            given.Add(name);
            yield return entry;
        }
        var added = new List<string>();
        foreach (var (name, value) in Settings)
            if (!given.Contains(name))
            {
                added.Add(name);
                yield return $"{name}={value}";
            }
        if (added.Count > 0) yield return $"{AddedMarker}={string.Join(',', added)}";
    }

    /// <summary>In the server, first thing: the settings its client added leave its environment (the GC has read them).</summary>
    public static void ForgetAdded()
    {
        if (Environment.GetEnvironmentVariable(AddedMarker) is not string added) return;
        foreach (string name in added.Split(',', StringSplitOptions.RemoveEmptyEntries)) Environment.SetEnvironmentVariable(name, null);
        Environment.SetEnvironmentVariable(AddedMarker, null);
    }
}
