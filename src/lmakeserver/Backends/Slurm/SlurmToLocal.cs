// The resources of a Slurm job run by the local backend because Slurm is not reachable (backends.md, "backend
// conversion to local"): cpu, mem, tmp and the resources the local backend has are kept when they fit; anything
// else (a partition, a license, more than this host has) cannot be translated, and the job then asks the whole
// of the local cpus, so that it runs alone.
using Lmake.Server.Rules;

namespace Lmake.Server.Backends.Slurm;

public static class SlurmToLocal
{
    /// <param name="capacity">What the local backend has, per resource.</param>
    public static Dictionary<string, string> Resources(IReadOnlyDictionary<string, string> resources, IReadOnlyDictionary<string, long> capacity)
    {
        var local = new Dictionary<string, string>(StringComparer.Ordinal);
        bool alone = false;
        foreach (var (name, text) in resources)
        {
            if (!capacity.TryGetValue(name, out long has) || ResourceAmount.Parse(name, text) is not long amount)
            {
                alone |= text.Trim() is not ("" or "0");
                continue;
            }
            if (amount > has) { alone = true; continue; }
            local[name] = amount.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        if (alone)
        {
            local.Clear();
            local["cpu"] = capacity.TryGetValue("cpu", out long cpus) ? cpus.ToString(System.Globalization.CultureInfo.InvariantCulture) : "1";
        }
        return local;
    }
}
