// What a running job holds of the local backend's resources: given back exactly once, when disposed.
namespace Lmake.Server.Backends.Local;

public sealed class ResourceGrant : IDisposable
{
    private bool _released;

    internal ResourceGrant(ResourcePool pool, long[] demand, JobCountLimit? limit, double pressure)
    {
        Pool = pool;
        Demand = demand;
        Limit = limit;
        Pressure = pressure;
    }

    /// <summary>The pool it was taken from.</summary>
    public ResourcePool Pool { get; }

    /// <summary>One amount per resource of the pool.</summary>
    public long[] Demand { get; }
    public JobCountLimit? Limit { get; }
    /// <summary>The job's pressure when it asked (taken again at the same rank after a lend).</summary>
    public double Pressure { get; }

    public void Dispose()
    {
        // a second dispose (an exception path after a normal end) must not give the resources back twice
        if (_released) return;
        _released = true;
        Pool.Release(this);
    }
}
