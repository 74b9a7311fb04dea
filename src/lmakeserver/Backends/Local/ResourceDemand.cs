// What a job asks of the local backend: its rule's `resources` (after f-string evaluation) read as
// amounts of the pool's resources, or the reason it can never run there.
using Lmake.Server.Rules;

namespace Lmake.Server.Backends.Local;

public static class ResourceDemand
{
    /// <summary>One amount per resource of <paramref name="pool"/>, or null with <paramref name="refusal"/>
    /// saying why the job cannot run: bad text, a resource the backend has not, more than it has.
    /// Asking more than the capacity is refused rather than waited for: it would never start.</summary>
    public static long[]? Of(JobPlan plan, ResourcePool pool, out string? refusal) => Of(plan, plan.Resources, pool, out refusal);

    /// <param name="resources">What the job asks: its rule's, or what another backend's were translated to.</param>
    public static long[]? Of(JobPlan plan, IReadOnlyDictionary<string, string> resources, ResourcePool pool, out string? refusal)
    {
        refusal = null;
        var demand = new long[pool.Names.Count];
        foreach (var (name, text) in resources)
        {
            if (ResourceAmount.Parse(name, text) is not long amount)
            {
                refusal = $"rule {plan.Rule.Name} : resource {name} = '{text}' is not " +
                    (ResourceAmount.IsSize(name) ? "a size (a number of MB, or with a unit : 512M, 4G)" : "a whole number");
                return null;
            }
            int index = pool.IndexOf(name);
            if (index < 0)
            {
                if (amount == 0) continue;
                // a job of another backend run here because that one is not available: what only that
                // backend knows (partition, qos...) does not stop it
                if (plan.Backend != "local") continue;
                refusal = $"resource {name} is not provided by the local backend";
                return null;
            }
            long capacity = pool.Capacity(index);
            if (amount > capacity)
            {
                string unit = ResourceAmount.IsSize(name) ? "M" : "";
                refusal = $"needs {amount}{unit} {name}, local backend has {capacity}{unit}";
                return null;
            }
            demand[index] = amount;
        }
        return demand;
    }

    /// <summary>The local backend's resources: lmake.config.backends.local, with cpu defaulting to the
    /// processors, mem to the physical memory (MB), tmp to unbounded (also when it is 0, config.md's default:
    /// the tmp dir's size is then not managed, and a job asking for some, resources = {'tmp': '100M'}, runs).</summary>
    public static Dictionary<string, long> LocalCapacity(Config config)
    {
        var capacity = new Dictionary<string, long>(config.LocalResources, StringComparer.Ordinal);
        if (!capacity.TryGetValue("cpu", out long cpu) || cpu <= 0) capacity["cpu"] = Environment.ProcessorCount;
        if (!capacity.TryGetValue("mem", out long mem) || mem <= 0)
            capacity["mem"] = Math.Max(1, GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024 * 1024));
        if (!capacity.TryGetValue("tmp", out long tmp) || tmp <= 0) capacity["tmp"] = long.MaxValue;
        return capacity;
    }
}
