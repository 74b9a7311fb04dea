// Tables a full build fills with one entry a job and then empties (the gate's queue and table, the progress board's
// runs): once empty they are given back instead of staying at their largest as long as the server lives (issue 18:
// 0.8 MB at 10,000 jobs). A small one is kept: regrowing it on each build would cost more than it holds.
namespace Lmake.Server.Engine;

internal static class EmptiedTables
{
    /// <summary>The capacity an empty table keeps without being given back.</summary>
    public const int KeptCapacity = 1024;

    public static void TrimOnceEmpty<TKey, TValue>(this Dictionary<TKey, TValue> table) where TKey : notnull
    {
        if (table.Count == 0 && table.EnsureCapacity(0) > KeptCapacity) table.TrimExcess();
    }

    public static void TrimOnceEmpty<TElement, TPriority>(this PriorityQueue<TElement, TPriority> queue)
    {
        if (queue.Count == 0 && queue.EnsureCapacity(0) > KeptCapacity) queue.TrimExcess();
    }
}
