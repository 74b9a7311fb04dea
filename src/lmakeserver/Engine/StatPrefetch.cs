// The lstats of a new server's first request, made ahead on a second core (issue 18: the cold no-op). A no-op compares
// every file the store knows with what was seen of it: one lstat each, a fifth of that request's time. While the engine
// thread reads the saved rules, a thread of its own reads the known names from the store, watches their directories
// (as DirectoryWatch would: root first, before any stat, so that what happens after a stat is an event) and lstats
// them, in store order. Graph.Refresh takes a result instead of its own lstat when DirectoryWatch.StatingAsOf says
// nothing happened since in that directory or above (no event read since the prefetch began, none lost on a watch the
// engine had not taken up yet); otherwise it stats as before. A date that differs is stat'ed again and hashed: only
// "unchanged" is ever taken from here.
// The store is read by this thread only until its names are read (NamesRead): the engine thread waits for that before
// its first use of the store (Engine.Preload), and never writes to the store before it.
using Lmake.Common.Files;
using Lmake.Server.Disk;
using Lmake.Server.State;

namespace Lmake.Server.Engine;

internal sealed class StatPrefetch
{
    private const int NotYet = 0, Ready = 1;

    private readonly long[] _dates;    // by node id: what Graph.DateOf made of its lstat
    private readonly int[] _state;     // by node id: NotYet, Ready (written after the date, read before it)
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> _wds = new(StringComparer.Ordinal);
    private readonly ManualResetEventSlim _namesRead = new(false);
    private volatile bool _stopped;

    /// <summary>The watch sequence when it began: a result holds for a node whose directories had no event after it.</summary>
    public long AsOf { get; }

    private StatPrefetch(uint nodeCount, long asOf)
    {
        _dates = new long[nodeCount + 1];
        _state = new int[nodeCount + 1];
        AsOf = asOf;
    }

    /// <summary>Starts it (on the engine thread, the store untouched until <see cref="AwaitNamesRead"/>).</summary>
    public static StatPrefetch Start(GraphStore store, IRepoDisk disk, DirectoryWatch watch)
    {
        var prefetch = new StatPrefetch(store.NodeCount, watch.Sequence);
        // (NativeThread: Thread.Start would spin the engine thread until the new one runs)
        Lmake.Common.NativeThread.Start(() => prefetch.Run(store, disk, watch), "stat prefetch");
        return prefetch;
    }

    /// <summary>The engine thread may use the store again.</summary>
    public void AwaitNamesRead() => _namesRead.Wait();

    /// <summary>Every known file was looked at (or it stopped).</summary>
    public void AwaitDone() => _done.Wait();
    private readonly ManualResetEventSlim _done = new(false);

    /// <summary>Nothing more is wanted of it (the first request is over).</summary>
    public void Stop() => _stopped = true;

    /// <summary>The date its lstat gave, if it got that far.</summary>
    public bool TryTake(uint id, out long date)
    {
        date = 0;
        if (id >= _state.Length || Volatile.Read(ref _state[id]) != Ready) return false;
        date = _dates[id];
        return true;
    }

    /// <summary>The watch it put on a directory (-1: none, or not that far yet).</summary>
    public int WatchOf(string dir) => _wds.TryGetValue(dir, out int wd) ? wd : -1;

    private void Run(GraphStore store, IRepoDisk disk, DirectoryWatch watch)
    {
        var names = new List<(uint Id, string Name)>();
        try
        {
            for (uint id = 1; id < _state.Length; id++)
            {
                if (store.NodeRecordOf(id).Known == 0) continue;
                string name = store.NodeName(id);
                if (DirectoryWatch.IsWatchable(name)) names.Add((id, name));
            }
        }
        catch (Exception) { names.Clear(); }   // a damaged store: the engine finds it and says so, nothing is prefetched
        finally { _namesRead.Set(); }
        try
        {
            foreach (var (id, name) in names)
            {
                if (_stopped) return;
                int slash = name.LastIndexOf('/');
                if (!Watched(watch, slash < 0 ? "" : name[..slash])) continue;
                _dates[id] = Graph.DateOf(disk.Stat(name));
                Volatile.Write(ref _state[id], Ready);
            }
        }
        finally { _done.Set(); }
    }

    /// <summary>The directory and its ancestors are watched (root first); false when one cannot be.</summary>
    private bool Watched(DirectoryWatch watch, string dir)
    {
        if (_wds.TryGetValue(dir, out int known)) return known >= 0;
        int slash = dir.LastIndexOf('/');
        bool parent = dir.Length == 0 || Watched(watch, slash < 0 ? "" : dir[..slash]);
        int wd = parent ? watch.WatchAside(dir) : -1;
        _wds[dir] = wd;
        return wd >= 0;
    }
}
