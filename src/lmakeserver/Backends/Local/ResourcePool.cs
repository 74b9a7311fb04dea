// The local backend's resources (cpu, mem, tmp, user-defined counts: spec D) and the jobs waiting for
// them. A job starts when every amount it asks fits in what is free and its request is under its -j.
// Waiting jobs are served by pressure (backends.md: the eligible job of highest pressure first; the engine's
// JobPressure), then in the order they asked; one that fits may pass a bigger one that does not, but once a
// waiting job has waited past HoldBackAfter its demand is held back from the others, so a stream of small jobs
// cannot starve a big one forever.
namespace Lmake.Server.Backends.Local;

public sealed class ResourcePool
{
    private readonly string[] _names;
    private readonly long[] _capacity;     // long.MaxValue: unbounded (tmp when not configured)
    private readonly long[] _used;
    private readonly long _holdBackAfter;  // in Stopwatch ticks
    private readonly Func<long> _clock;
    private readonly object _lock = new();
    // waiters with the same demand and the same -j limit are alike: when the first of them does not fit,
    // none does, so a scan costs one test per kind of waiter, not one per waiting job
    private readonly Dictionary<DemandKey, WaiterQueue> _queues = new();
    private readonly List<WaiterQueue> _nonEmpty = new();
    private long _arrivals;
    private int _waiting;

    /// <param name="capacity">Every resource the pool has and how much of it (long.MaxValue: unbounded).</param>
    /// <param name="holdBackAfter">How long a waiting job may be passed by later ones.</param>
    /// <param name="clock">Stopwatch ticks (tests give their own).</param>
    public ResourcePool(IReadOnlyDictionary<string, long> capacity, TimeSpan holdBackAfter, Func<long>? clock = null)
    {
        _names = capacity.Keys.Order(StringComparer.Ordinal).ToArray();
        _capacity = new long[_names.Length];
        for (int i = 0; i < _names.Length; i++) _capacity[i] = capacity[_names[i]];
        _used = new long[_names.Length];
        _clock = clock ?? System.Diagnostics.Stopwatch.GetTimestamp;
        _holdBackAfter = holdBackAfter == TimeSpan.MaxValue ? long.MaxValue : (long)(holdBackAfter.TotalSeconds * System.Diagnostics.Stopwatch.Frequency);
    }

    /// <summary>The resources, in the order demands are given in.</summary>
    public IReadOnlyList<string> Names => _names;

    /// <summary>Index of <paramref name="name"/> in <see cref="Names"/>, or -1 when the pool has no such resource.</summary>
    public int IndexOf(string name) => Array.IndexOf(_names, name);

    public long Capacity(int index) => _capacity[index];

    public long InUse(string name)
    {
        lock (_lock) return _used[IndexOf(name)];
    }

    /// <summary>Jobs waiting for their resources now.</summary>
    public int Waiting
    {
        get { lock (_lock) return _waiting; }
    }

    /// <summary>Waits until <paramref name="demand"/> (one amount per <see cref="Names"/>, each within the
    /// capacity) fits, then takes it; dispose the grant to give it back. Cancelled: the wait ends in an
    /// OperationCanceledException and nothing is taken. Of the waiting jobs, those of higher
    /// <paramref name="pressure"/> go first.</summary>
    public Task<ResourceGrant> Acquire(long[] demand, JobCountLimit? limit, CancellationToken cancelled, double pressure = 0)
    {
        if (demand.Length != _names.Length) throw new ArgumentException("one amount per resource of the pool", nameof(demand));
        for (int i = 0; i < demand.Length; i++)
            if (demand[i] < 0 || demand[i] > _capacity[i])
                throw new ArgumentException($"{_names[i]}: {demand[i]} is not within the pool's {_capacity[i]}", nameof(demand));
        if (cancelled.IsCancellationRequested) return Task.FromCanceled<ResourceGrant>(cancelled);
        Waiter waiter;
        List<Waiter> granted;
        lock (_lock)
        {
            if (_waiting == 0 && Fits(demand, null) && (limit == null || limit.Running < limit.Max))
                return Task.FromResult(Take(demand, limit, pressure));   // the common case: nobody to pass, no allocation of a waiter
            waiter = new Waiter(this, demand, limit, _arrivals++, _clock(), pressure);
            var key = new DemandKey(demand, limit);
            if (!_queues.TryGetValue(key, out WaiterQueue? queue)) _queues[key] = queue = new WaiterQueue(demand, limit);
            if (queue.Waiters.Count == 0) _nonEmpty.Add(queue);
            queue.Waiters.Enqueue(waiter, waiter.Order);
            _waiting++;
            granted = Scan();
        }
        Complete(granted);
        if (!waiter.Completion.Task.IsCompleted && cancelled.CanBeCanceled)
            // (the waiter is the callback's state: no closure and delegate per waiting job)
            waiter.Cancellation = cancelled.UnsafeRegister(static (w, token) => ((Waiter)w!).Pool.Cancel((Waiter)w!, token), waiter);
        return waiter.Completion.Task;
    }

    private void Cancel(Waiter waiter, CancellationToken cancelled)
    {
        List<Waiter> granted;
        lock (_lock)
        {
            if (waiter.Grant != null || waiter.Cancelled) return;   // granted meanwhile: the caller releases it
            waiter.Cancelled = true;   // left in its queue, dropped when it reaches the head
            _waiting--;
            granted = Scan();          // what it held back is free for others now
        }
        waiter.Completion.TrySetCanceled(cancelled);
        Complete(granted);
    }

    internal void Release(ResourceGrant grant)
    {
        List<Waiter> granted;
        lock (_lock)
        {
            for (int i = 0; i < _used.Length; i++) _used[i] -= grant.Demand[i];
            if (grant.Limit != null) grant.Limit.Running--;
            if (_waiting == 0) return;
            granted = Scan();
        }
        Complete(granted);
    }

    private static void Complete(List<Waiter> granted)
    {
        // outside the lock: a continuation run inline must not find the pool locked
        foreach (Waiter w in granted)
        {
            w.Cancellation.Dispose();
            w.Completion.TrySetResult(w.Grant!);
        }
    }

    private ResourceGrant Take(long[] demand, JobCountLimit? limit, double pressure)
    {
        for (int i = 0; i < _used.Length; i++) _used[i] += demand[i];
        if (limit != null) limit.Running++;
        return new ResourceGrant(this, demand, limit, pressure);
    }

    private bool Fits(long[] demand, long[]? heldBack)
    {
        for (int i = 0; i < demand.Length; i++)
        {
            if (_capacity[i] == long.MaxValue) continue;
            long free = _capacity[i] - _used[i] - (heldBack?[i] ?? 0);
            if (demand[i] > free) return false;
        }
        return true;
    }

    /// <summary>Under the lock: starts, most pressing first, every waiter that fits in what is free and in what no
    /// long waiter holds back.</summary>
    private List<Waiter> Scan()
    {
        var granted = new List<Waiter>();
        long now = _clock();
        long[]? heldBack = null;
        var blocked = new HashSet<WaiterQueue>();
        while (true)
        {
            // the most pressing head among the kinds not found blocked in this scan
            WaiterQueue? next = null;
            foreach (WaiterQueue q in _nonEmpty)
            {
                while (q.Waiters.Count > 0 && q.Waiters.Peek().Cancelled) q.Waiters.Dequeue();
                if (q.Waiters.Count == 0 || blocked.Contains(q)) continue;
                if (next == null || PressureOrder.Instance.Compare(q.Waiters.Peek().Order, next.Waiters.Peek().Order) < 0) next = q;
            }
            if (next == null) break;
            Waiter head = next.Waiters.Peek();
            bool underLimit = head.Limit == null || head.Limit.Running < head.Limit.Max;
            if (underLimit && Fits(head.Demand, heldBack))
            {
                next.Waiters.Dequeue();
                _waiting--;
                head.Grant = Take(head.Demand, head.Limit, head.Order.Pressure);
                granted.Add(head);
                continue;
            }
            blocked.Add(next);
            // waited too long: later ones may only use what is left once it is served
            if (underLimit && now - head.Since >= _holdBackAfter)
            {
                heldBack ??= new long[_used.Length];
                for (int i = 0; i < heldBack.Length; i++) heldBack[i] += head.Demand[i];
            }
        }
        foreach (WaiterQueue q in _nonEmpty)
            if (q.Waiters.Count == 0) _queues.Remove(new DemandKey(q.Demand, q.Limit));   // a finished request's kinds go
        _nonEmpty.RemoveAll(q => q.Waiters.Count == 0);
        return granted;
    }

    private sealed class Waiter(ResourcePool pool, long[] demand, JobCountLimit? limit, long arrival, long since, double pressure)
    {
        public readonly ResourcePool Pool = pool;
        public readonly long[] Demand = demand;
        public readonly JobCountLimit? Limit = limit;
        public readonly (double Pressure, long Arrival) Order = (pressure, arrival);
        public readonly long Since = since;
        public readonly TaskCompletionSource<ResourceGrant> Completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public CancellationTokenRegistration Cancellation;
        public ResourceGrant? Grant;
        public bool Cancelled;
    }

    private sealed class WaiterQueue(long[] demand, JobCountLimit? limit)
    {
        public readonly long[] Demand = demand;
        public readonly JobCountLimit? Limit = limit;
        public readonly PriorityQueue<Waiter, (double Pressure, long Arrival)> Waiters = new(PressureOrder.Instance);
    }

    private readonly struct DemandKey(long[] demand, JobCountLimit? limit) : IEquatable<DemandKey>
    {
        private readonly long[] _demand = demand;
        private readonly JobCountLimit? _limit = limit;

        public bool Equals(DemandKey other) => ReferenceEquals(_limit, other._limit) && _demand.AsSpan().SequenceEqual(other._demand);
        public override bool Equals(object? obj) => obj is DemandKey k && Equals(k);
        public override int GetHashCode()
        {
            var h = new HashCode();
            foreach (long x in _demand) h.Add(x);
            h.Add(_limit);
            return h.ToHashCode();
        }
    }
}
