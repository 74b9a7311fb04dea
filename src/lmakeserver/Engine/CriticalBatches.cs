// Where a batch of deps ends when they are made in order (critical_deps.md): at a critical dep, since when it changed
// the deps after it are not made (the job, rerun, may not read them any more); but deps declared by one ldepend call
// have no order among them, so a batch takes in the whole call of the critical dep that ends it.
using Lmake.Server.Backends;
using Lmake.Server.Rules;

namespace Lmake.Server.Engine;

internal static class CriticalBatches
{
    /// <summary>The end (exclusive) of the batch of recorded deps that starts at <paramref name="start"/>; static deps
    /// never end one (they are made before any recorded dep).</summary>
    public static int End(DepRecord[] deps, int start)
    {
        int end = start;
        while (end < deps.Length && (deps[end].IsStatic || (deps[end].Flags & DepFlags.Critical) == 0)) end++;
        if (end < deps.Length) end++;
        while (end < deps.Length && (deps[end].Flags & DepFlags.ParallelWithPrevious) != 0) end++;
        return end;
    }

    /// <summary>The same for the deps a run just discovered.</summary>
    public static int End(IReadOnlyList<DiscoveredDep> deps, int start)
    {
        int end = start;
        while (end < deps.Count && (deps[end].Flags & DepFlags.Critical) == 0) end++;
        if (end < deps.Count) end++;
        while (end < deps.Count && deps[end].Parallel) end++;
        return end;
    }
}
