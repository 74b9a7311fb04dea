// `lmake -j N`: at most N jobs of one request run at once, on top of what the resources allow.
namespace Lmake.Server.Backends;

public sealed class JobCountLimit(int max)
{
    public int Max { get; } = max;
    /// <summary>Jobs of the request holding resources now (changed by the pool, under its lock).</summary>
    public int Running { get; internal set; }
}
