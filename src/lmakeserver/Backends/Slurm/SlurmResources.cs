// A rule's `resources` (after f-string evaluation) as sbatch options (backends.md, "Slurm backend / Resources"):
// cpu, mem and tmp (MB, or a size with a unit) are the task's cpus, memory and tmp disk; excludes, features,
// gres, licence(s), nodes, partition, qos, reserv and wckey are passed as they are; any other resource is a
// license when Slurm knows it as one, else a generic resource (gres NAME:COUNT). An index 0 after a name (gres0)
// is the same as none; other indices (heterogeneous jobs) are not supported.
using Lmake.Server.Rules;

namespace Lmake.Server.Backends.Slurm;

public static class SlurmResources
{
    private static readonly Dictionary<string, string> PassedAsIs = new(StringComparer.Ordinal)
    {
        ["excludes"] = "--exclude", ["features"] = "--constraint", ["nodes"] = "--nodelist", ["partition"] = "--partition",
        ["qos"] = "--qos", ["reserv"] = "--reservation", ["wckey"] = "--wckey",
    };

    /// <summary>The sbatch options for these resources, in a stable order (the key of the job's queue), or null
    /// with <paramref name="error"/> saying which resource is wrong.</summary>
    /// <param name="licenses">The licenses Slurm knows (slurm.conf and backends.slurm.licenses).</param>
    public static List<string>? Options(IReadOnlyDictionary<string, string> resources, IReadOnlySet<string> licenses, out string? error)
    {
        error = null;
        var options = new List<string>();
        var gres = new List<string>();
        var licensed = new List<string>();
        foreach (var (given, text) in resources.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            string name = given;
            // gres0 is gres; gres1 would be the second component of a heterogeneous job
            int digits = name.Length;
            while (digits > 0 && char.IsAsciiDigit(name[digits - 1])) digits--;
            if (digits < name.Length && digits > 0 && IsKnown(name[..digits]))
            {
                if (name[digits..].TrimStart('0').Length > 0)
                {
                    error = $"resource {given} : heterogeneous slurm jobs are not supported by lmake-cs (only index 0)";
                    return null;
                }
                name = name[..digits];
            }
            string value = text.Trim();
            switch (name)
            {
                case "cpu" or "mem" or "tmp":
                    if (ResourceAmount.Parse(name, value) is not long amount)
                    {
                        error = $"resource {given} = '{text}' is not " + (ResourceAmount.IsSize(name) ? "a size (a number of MB, or with a unit : 512M, 4G)" : "a whole number");
                        return null;
                    }
                    if (amount == 0 && name != "cpu") continue;
                    options.Add(name switch { "cpu" => $"--cpus-per-task={Math.Max(1, amount)}", "mem" => $"--mem={amount}M", _ => $"--tmp={amount}M" });
                    break;
                case "gres":
                    if (value.Length > 0) gres.Add(value);
                    break;
                case "licence" or "licenses" or "license":
                    if (value.Length > 0) licensed.Add(value);
                    break;
                default:
                    if (PassedAsIs.TryGetValue(name, out string? option))
                    {
                        if (value.Length > 0) options.Add($"{option}={value}");
                        break;
                    }
                    if (ResourceAmount.Parse(name, value) is not long count)
                    {
                        error = $"resource {given} = '{text}' is not a whole number (a slurm license or gres count)";
                        return null;
                    }
                    if (count == 0) continue;
                    (licenses.Contains(name) ? licensed : gres).Add($"{name}:{count}");
                    break;
            }
        }
        if (gres.Count > 0) options.Add("--gres=" + string.Join(',', gres));
        if (licensed.Count > 0) options.Add("--licenses=" + string.Join(',', licensed));
        return options;
    }

    private static bool IsKnown(string name) =>
        name is "cpu" or "mem" or "tmp" or "gres" or "licence" or "license" or "licenses" || PassedAsIs.ContainsKey(name);
}
