// `lmake -b` for the Slurm backend (backends.md, "Slurm backend / Command line option"): srun-like options for the
// jobs of one lmake command, overriding what the rules' resources say for the same option. The options it takes,
// by their long name: cpus-per-task (-c), mem, tmp, constraint (-C), exclude (-x), gres, licenses (-L), nodelist
// (-w), partition (-p), qos (-q), reservation, wckey; -h asks for this list. Both "--opt=V", "--opt V", "-cV" and
// "-c V" are taken. They apply to the first component of a heterogeneous job.
using System.Globalization;

namespace Lmake.Server.Backends.Slurm;

public static class SlurmCommandLine
{
    private static readonly Dictionary<string, string> ShortNames = new(StringComparer.Ordinal)
    {
        ["c"] = "cpus-per-task", ["C"] = "constraint", ["x"] = "exclude", ["L"] = "licenses", ["w"] = "nodelist",
        ["p"] = "partition", ["q"] = "qos",
    };

    private static readonly HashSet<string> LongNames = new(StringComparer.Ordinal)
    {
        "cpus-per-task", "mem", "tmp", "constraint", "exclude", "gres", "licenses", "nodelist", "partition", "qos",
        "reservation", "wckey",
    };

    public const string Usage = "lmake -b for slurm takes : -c|--cpus-per-task N, --mem SIZE, --tmp SIZE, -C|--constraint LIST, "
        + "-x|--exclude NODES, --gres LIST, -L|--licenses LIST, -w|--nodelist NODES, -p|--partition NAME, -q|--qos NAME, "
        + "--reservation NAME, --wckey NAME";

    /// <summary>The options as sbatch takes them ("--NAME=VALUE", each name once: the last one wins), or null with
    /// <paramref name="error"/> naming the option that is not taken.</summary>
    public static List<string>? Parse(IReadOnlyList<string> args, out string? error)
    {
        error = null;
        var given = new Dictionary<string, string>(StringComparer.Ordinal);
        var order = new List<string>();
        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i];
            string? name = null, value = null;
            if (arg is "-h" or "--help") { error = Usage; return null; }
            if (arg.StartsWith("--", StringComparison.Ordinal))
            {
                int eq = arg.IndexOf('=');
                name = eq < 0 ? arg[2..] : arg[2..eq];
                if (eq >= 0) value = arg[(eq + 1)..];
                if (!LongNames.Contains(name)) { error = $"lmake -b : slurm option {arg} is not taken ({Usage})"; return null; }
            }
            else if (arg.Length >= 2 && arg[0] == '-' && ShortNames.TryGetValue(arg[1..2], out string? longName))
            {
                name = longName;
                if (arg.Length > 2) value = arg[2..];
            }
            else { error = $"lmake -b : slurm option {arg} is not taken ({Usage})"; return null; }
            if (value == null)
            {
                if (i + 1 >= args.Count) { error = $"lmake -b : slurm option {arg} needs a value"; return null; }
                value = args[++i];
            }
            if (name == "cpus-per-task" && !int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out _))
            {
                error = $"lmake -b : --cpus-per-task {value} is not a whole number";
                return null;
            }
            if (!given.ContainsKey(name)) order.Add(name);
            given[name] = value;
        }
        return order.Select(n => $"--{n}={given[n]}").ToList();
    }

    /// <summary>The job's sbatch options with those of lmake -b in place of the ones of the same name in its first
    /// component (the others, after the first ":", are left as the resources say).</summary>
    public static List<string> Override(IReadOnlyList<string> fromResources, IReadOnlyList<string> fromCommandLine)
    {
        if (fromCommandLine.Count == 0) return [.. fromResources];
        int end = fromResources.ToList().IndexOf(":");
        if (end < 0) end = fromResources.Count;
        var overridden = new HashSet<string>(fromCommandLine.Select(NameOf), StringComparer.Ordinal);
        return [.. fromResources.Take(end).Where(o => !overridden.Contains(NameOf(o))), .. fromCommandLine, .. fromResources.Skip(end)];
    }

    private static string NameOf(string option)
    {
        int eq = option.IndexOf('=');
        return eq < 0 ? option : option[..eq];
    }
}
