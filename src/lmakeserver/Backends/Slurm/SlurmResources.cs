// A rule's `resources` (after f-string evaluation) as sbatch options (backends.md, "Slurm backend / Resources"):
// cpu, mem and tmp (MB, or a size with a unit) are the task's cpus, memory and tmp disk; excludes, features,
// gres, licence(s), nodes, partition, qos, reserv and wckey are passed as they are; any other resource is a
// license when Slurm knows it as one, else a generic resource (gres NAME:COUNT). An index after one of these names
// (cpu1, gres1, partition2...) names a component of a heterogeneous job (gres0 is gres): the options of each
// component follow those of the one before after a ":" word, as sbatch takes them on its command line.
using Lmake.Server.Rules;

namespace Lmake.Server.Backends.Slurm;

public static class SlurmResources
{
    private static readonly Dictionary<string, string> PassedAsIs = new(StringComparer.Ordinal)
    {
        ["excludes"] = "--exclude", ["features"] = "--constraint", ["nodes"] = "--nodelist", ["partition"] = "--partition",
        ["qos"] = "--qos", ["reserv"] = "--reservation", ["wckey"] = "--wckey",
    };

    /// <summary>The sbatch options for these resources, in a stable order (the key of the job's queue), the
    /// components of a heterogeneous job separated by ":", or null with <paramref name="error"/> saying which
    /// resource is wrong.</summary>
    /// <param name="licenses">The licenses Slurm knows (slurm.conf and backends.slurm.licenses).</param>
    public static List<string>? Options(IReadOnlyDictionary<string, string> resources, IReadOnlySet<string> licenses, out string? error)
    {
        error = null;
        var components = new SortedDictionary<int, Component>();
        Component Of(int index) => components.TryGetValue(index, out Component? c) ? c : components[index] = new Component();
        Of(0);
        foreach (var (given, text) in resources.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            string name = given;
            int index = 0;
            int digits = name.Length;
            while (digits > 0 && char.IsAsciiDigit(name[digits - 1])) digits--;
            if (digits < name.Length && digits > 0 && IsKnown(name[..digits]))
            {
                if (!int.TryParse(name[digits..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out index) || index > 64)
                {
                    error = $"resource {given} : {name[digits..]} is no component index of a heterogeneous job (0 to 64)";
                    return null;
                }
                name = name[..digits];
            }
            Component component = Of(index);
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
                    component.Options.Add(name switch { "cpu" => $"--cpus-per-task={Math.Max(1, amount)}", "mem" => $"--mem={amount}M", _ => $"--tmp={amount}M" });
                    break;
                case "gres":
                    if (value.Length > 0) component.Gres.Add(value);
                    break;
                case "licence" or "licenses" or "license":
                    if (value.Length > 0) component.Licensed.Add(value);
                    break;
                default:
                    if (PassedAsIs.TryGetValue(name, out string? option))
                    {
                        if (value.Length > 0) component.Options.Add($"{option}={value}");
                        break;
                    }
                    if (ResourceAmount.Parse(name, value) is not long count)
                    {
                        error = $"resource {given} = '{text}' is not a whole number (a slurm license or gres count)";
                        return null;
                    }
                    if (count == 0) continue;
                    (licenses.Contains(name) ? component.Licensed : component.Gres).Add($"{name}:{count}");
                    break;
            }
        }
        var options = new List<string>();
        int expected = 0;
        foreach (var (index, component) in components)
        {
            if (index != expected)
            {
                error = $"resources of heterogeneous component {index} but none of component {expected}";
                return null;
            }
            expected++;
            if (index > 0) options.Add(":");
            // (a component needs one option at least: sbatch takes nothing between two ":")
            if (index > 0 && component.Options.Count + component.Gres.Count + component.Licensed.Count == 0) options.Add("--ntasks=1");
            options.AddRange(component.Options);
            if (component.Gres.Count > 0) options.Add("--gres=" + string.Join(',', component.Gres));
            if (component.Licensed.Count > 0) options.Add("--licenses=" + string.Join(',', component.Licensed));
        }
        return options;
    }

    /// <summary>The options of one component of the job (a job that is not heterogeneous has one).</summary>
    private sealed class Component
    {
        public readonly List<string> Options = [];
        public readonly List<string> Gres = [];
        public readonly List<string> Licensed = [];
    }

    private static bool IsKnown(string name) =>
        name is "cpu" or "mem" or "tmp" or "gres" or "licence" or "license" or "licenses" || PassedAsIs.ContainsKey(name);
}
