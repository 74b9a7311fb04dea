// lmake.config as the engine reads it: typed accessors for the keys whose effect is built, and every key
// (exactly open-lmake's) kept as JSON for the rest.
using System.Text.Json;

namespace Lmake.Server.Rules;

public sealed class Config
{
    /// <summary>Every key of lmake.config, defaults merged under what the Lmakefile set.</summary>
    public IReadOnlyDictionary<string, JsonElement> Raw { get; }
    /// <summary>Whether lmake.config.<paramref name="proc"/> (server_start_proc, req_end_proc...) is a function to call.</summary>
    public bool HasProc(string proc) => Raw.TryGetValue(proc, out JsonElement v) && v.ValueKind == JsonValueKind.True;

    /// <summary>The keys the Lmakefile set itself.</summary>
    public IReadOnlyList<string> UserSetKeys { get; }

    public int PathMax { get; }
    public int MaxDepDepth { get; }
    public int MaxErrorLines { get; }
    public int LocalCpu { get; }                     // backends.local.cpu
    public long LocalMem { get; }                    // backends.local.mem, MB
    /// <summary>backends.local: every resource of the local backend (cpu, mem, tmp, user-defined counts).</summary>
    public IReadOnlyDictionary<string, long> LocalResources { get; }
    /// <summary>backends.local.environ: the environment a '...' value of a rule's environ is taken from.</summary>
    public IReadOnlyDictionary<string, string> LocalEnviron { get; }
    public double DiskDatePrecision { get; }
    public double NetworkDelay { get; }
    public double Heartbeat { get; }
    public double HeartbeatTick { get; }
    public int Nice { get; }
    public string LinkSupport { get; }
    public string FileSync { get; }
    public string? LocalAdminDir { get; }
    public IReadOnlyList<string> SubRepos { get; }
    /// <summary>lmake.config.caches: each cache dir by the name rules give in their `cache` attribute.</summary>
    public IReadOnlyDictionary<string, CacheConfig> Caches { get; }
    /// <summary>lmake.config.codecs: each codec table (a file or a dir, as written: relative to the repo root, or
    /// absolute) by the name jobs may give lencode/ldecode instead.</summary>
    public IReadOnlyDictionary<string, string> Codecs { get; }

    /// <summary>Codecs as jobs name tables: repo-relative inside the repo, absolute outside, no trailing '/'.</summary>
    public IReadOnlyDictionary<string, string> CodecTablesOf(string repoRoot)
    {
        if (_codecTables is { } known) return known;
        var tables = new Dictionary<string, string>(StringComparer.Ordinal);
        string root = Path.GetFullPath(repoRoot).TrimEnd('/');
        foreach (var (key, path) in Codecs)
        {
            string full = Path.GetFullPath(path, root);
            if (full.Length > 1) full = full.TrimEnd('/');
            tables[key] = full.StartsWith(root + "/", StringComparison.Ordinal) ? full[(root.Length + 1)..] : full;
        }
        return _codecTables = tables;
    }
    private IReadOnlyDictionary<string, string>? _codecTables;
    public int ConsoleDatePrecision { get; }
    public int? ConsoleHostLen { get; }
    public int ConsoleHistoryDays { get; }
    public bool ConsoleHasExecTime { get; }

    internal Config(Dictionary<string, JsonElement> raw, List<string> userSet)
    {
        Raw = raw;
        UserSetKeys = userSet;
        PathMax = Int(Get("path_max"), 200);
        MaxDepDepth = Int(Get("max_dep_depth"), 100);
        MaxErrorLines = Int(Get("max_error_lines"), 30);
        DiskDatePrecision = Double(Get("disk_date_precision"), 0.010);
        NetworkDelay = Double(Get("network_delay"), 1);
        Heartbeat = Double(Get("heartbeat"), 10);
        HeartbeatTick = Double(Get("heartbeat_tick"), 0.1);
        Nice = Int(Get("nice"), 0);
        LinkSupport = Str(Get("link_support")) ?? "full";
        FileSync = Str(Get("file_sync")) ?? "dir";
        LocalAdminDir = Str(Get("local_admin_dir"));
        SubRepos = Strings(Get("sub_repos"));
        var caches = new Dictionary<string, CacheConfig>(StringComparer.Ordinal);
        if (Get("caches") is { ValueKind: JsonValueKind.Object } cs)
            foreach (JsonProperty c in cs.EnumerateObject())
                if (Str(Member(c.Value, "dir")) is string dir)
                    caches[c.Name] = new CacheConfig(dir, Str(Member(c.Value, "repo_key")));
        Caches = caches;
        var codecs = new Dictionary<string, string>(StringComparer.Ordinal);
        if (Get("codecs") is { ValueKind: JsonValueKind.Object } cd)
            foreach (JsonProperty c in cd.EnumerateObject())
                if (c.Value.ValueKind == JsonValueKind.String) codecs[c.Name] = c.Value.GetString()!;
        Codecs = codecs;
        JsonElement? console = Get("console");
        ConsoleDatePrecision = Int(Member(console, "date_precision"), 0);
        JsonElement? hostLen = Member(console, "host_len");
        ConsoleHostLen = hostLen is { ValueKind: JsonValueKind.Number } h ? h.GetInt32() : null;
        ConsoleHistoryDays = Int(Member(console, "history_days"), 7);
        ConsoleHasExecTime = Member(console, "has_exec_time") is not { ValueKind: JsonValueKind.False };
        JsonElement? local = Member(Get("backends"), "local");
        var resources = new Dictionary<string, long>(StringComparer.Ordinal);
        var environ = new Dictionary<string, string>(StringComparer.Ordinal);
        if (local is { ValueKind: JsonValueKind.Object } l)
            foreach (JsonProperty p in l.EnumerateObject())
            {
                if (p.Name == "environ" && p.Value.ValueKind == JsonValueKind.Object)
                    foreach (JsonProperty e in p.Value.EnumerateObject()) environ[e.Name] = e.Value.ToString();
                else if (p.Value.ValueKind == JsonValueKind.Number) resources[p.Name] = (long)p.Value.GetDouble();
                else if (p.Value.ValueKind == JsonValueKind.String && ResourceAmount.Parse(p.Name, p.Value.GetString()!) is long n) resources[p.Name] = n;
            }
        LocalResources = resources;
        LocalEnviron = environ;
        LocalCpu = resources.TryGetValue("cpu", out long cpu) && cpu > 0 ? (int)cpu : Environment.ProcessorCount;
        LocalMem = resources.TryGetValue("mem", out long mem) ? mem : 0;
    }

    private JsonElement? Get(string key) => Raw.TryGetValue(key, out JsonElement e) ? e : null;

    private static JsonElement? Member(JsonElement? e, string name) =>
        e is { ValueKind: JsonValueKind.Object } o && o.TryGetProperty(name, out JsonElement m) ? m : null;

    private static int Int(JsonElement? e, int fallback) =>
        e is { ValueKind: JsonValueKind.Number } n ? (int)n.GetDouble() : fallback;

    private static double Double(JsonElement? e, double fallback) =>
        e is { ValueKind: JsonValueKind.Number } n ? n.GetDouble() : fallback;

    private static string? Str(JsonElement? e) => e is { ValueKind: JsonValueKind.String } s ? s.GetString() : null;

    private static IReadOnlyList<string> Strings(JsonElement? e)
    {
        if (e is not { ValueKind: JsonValueKind.Array } a) return [];
        var strings = new List<string>(a.GetArrayLength());
        foreach (JsonElement x in a.EnumerateArray()) strings.Add(x.ToString());
        return strings;
    }

    /// <summary>Human-readable "key : value" lines, for LMAKE/config.</summary>
    public string Describe()
    {
        var sb = new System.Text.StringBuilder();
        var keys = new List<string>(Raw.Keys);
        keys.Sort(StringComparer.Ordinal);
        foreach (string key in keys)
            sb.Append(key.PadRight(20)).Append(" : ").Append(Raw[key].GetRawText()).Append(UserSetKeys.Contains(key) ? "" : "   (default)").Append('\n');
        return sb.ToString();
    }
}

/// <summary>One entry of lmake.config.caches. The settings of its dir's LMAKE/config.py (size, max_runs_per_job,
/// max_rate) are the dir's lcache_server's business (Cache/CacheDirSettings.cs); the reader checks them early.</summary>
/// <param name="Dir">The cache's root, absolute.</param>
/// <param name="RepoKey">What tells this repo's runs from others' (null: the repo's root and git commit).</param>
public sealed record CacheConfig(string Dir, string? RepoKey);
