// lmake.config.backends.slurm as the Slurm backend reads it (backends.md, "Slurm backend / Configuration"):
// the slurm.conf to use, the bound on jobs waiting in Slurm's queue per set of resources, the prefix of job
// names, the licenses known besides those of slurm.conf, the environment given to `...` values, whether jobs are
// given a nice value from their pressure (use_nice).
using System.Text.Json;
using Lmake.Server.Rules;

namespace Lmake.Server.Backends.Slurm;

public sealed record SlurmSettings(string? ConfigFile, int MaxQueuedJobs, string RepoKey, IReadOnlySet<string> Licenses,
    IReadOnlyDictionary<string, string> Environ, TimeSpan InitTimeout, string? DomainName, bool UseNice)
{
    /// <summary>backends.slurm of the config, or null when the Lmakefile did not set it (the backend is not
    /// active: its jobs run locally).</summary>
    public static SlurmSettings? Of(Config config, string repoRoot)
    {
        if (!config.Raw.TryGetValue("backends", out JsonElement backends) || backends.ValueKind != JsonValueKind.Object
            || !backends.TryGetProperty("slurm", out JsonElement slurm) || slurm.ValueKind != JsonValueKind.Object)
            return null;
        string? file = Str(slurm, "config");
        int maxQueued = slurm.TryGetProperty("n_max_queued_jobs", out JsonElement n) && n.ValueKind == JsonValueKind.Number ? Math.Max(1, (int)n.GetDouble()) : 10;
        string repoKey = Str(slurm, "repo_key") ?? Path.GetFileName(repoRoot) + ":";
        var licenses = new HashSet<string>(StringComparer.Ordinal);
        foreach (string l in (Str(slurm, "licenses") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            licenses.Add(l.Split(':')[0]);
        var environ = new Dictionary<string, string>(StringComparer.Ordinal);
        if (slurm.TryGetProperty("environ", out JsonElement e) && e.ValueKind == JsonValueKind.Object)
            foreach (JsonProperty p in e.EnumerateObject()) environ[p.Name] = p.Value.ToString();
        double timeout = slurm.TryGetProperty("init_timeout", out JsonElement t) && t.ValueKind == JsonValueKind.Number ? t.GetDouble() : 10;
        bool useNice = slurm.TryGetProperty("use_nice", out JsonElement u) && (u.ValueKind == JsonValueKind.True
            || (u.ValueKind == JsonValueKind.Number && u.GetDouble() != 0));
        return new SlurmSettings(file, maxQueued, repoKey, licenses, environ, TimeSpan.FromSeconds(timeout), Str(slurm, "domain_name"), useNice);
    }

    private static string? Str(JsonElement o, string name) =>
        o.TryGetProperty(name, out JsonElement v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    // records compare their sets and dicts by reference: equal settings are those of the same config text
    public bool SameAs(SlurmSettings other) =>
        ConfigFile == other.ConfigFile && MaxQueuedJobs == other.MaxQueuedJobs && RepoKey == other.RepoKey && DomainName == other.DomainName
        && Licenses.SetEquals(other.Licenses) && InitTimeout == other.InitTimeout && UseNice == other.UseNice
        && Environ.Count == other.Environ.Count && Environ.All(kv => other.Environ.TryGetValue(kv.Key, out string? v) && v == kv.Value);
}
