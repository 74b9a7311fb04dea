// What an admin command works on: the engine's live graph (or, on a read-only repo, a graph over the store
// opened read-only), the rules, and the way from the names a user typed to nodes and jobs.
using Lmake.Common;
using Lmake.Common.Commands;
using Lmake.Server.Engine;
using Lmake.Server.Rules;
using Lmake.Server.State;
using Lmake.Server.Transport;

namespace Lmake.Server.Admin;

public sealed class AdminContext
{
    private readonly Action<IClientOutput> _loadMakefiles;

    /// <param name="loadMakefiles">reads Lmakefile.py when the graph has no rules yet or they are stale</param>
    public AdminContext(Graph graph, Resolver resolver, bool readOnly, Action<IClientOutput> loadMakefiles)
    {
        Graph = graph;
        Resolver = resolver;
        ReadOnly = readOnly;
        _loadMakefiles = loadMakefiles;
    }

    public Graph Graph { get; }
    public Resolver Resolver { get; }
    /// <summary>Nothing may be written: the store is open read-only and no server publishes itself.</summary>
    public bool ReadOnly { get; }
    public string RepoRoot => Graph.RepoRoot;
    public LmakeDir LmakeDir => new(RepoRoot);

    public void LoadMakefiles(IClientOutput output) => _loadMakefiles(output);

    /// <summary>A typed name (relative to the client's cwd) as a repo name; throws UsageException outside.</summary>
    public string RepoName(string typed, string cwd)
    {
        string full = Path.GetFullPath(typed, cwd);
        string rel = Path.GetRelativePath(RepoRoot, full);
        if (rel == "..") throw new UsageException($"{typed} is outside the repo {RepoRoot}");
        if (rel.StartsWith("../", StringComparison.Ordinal) || Path.IsPathRooted(rel))
        {
            // a file of a source dir outside the repo is named by its absolute path
            if (Graph.IsSource(full)) return full;
            throw new UsageException($"{typed} is outside the repo {RepoRoot}");
        }
        return rel == "." ? "" : rel;
    }

    /// <summary>The node of a repo name, resolved under the current rules.</summary>
    public Node Node(string name)
    {
        Node node = Graph.Node(name);
        Resolver.Resolve(node);
        return node;
    }

    /// <summary>The job that makes <paramref name="name"/> (its producer, or the job of rule <paramref name="rule"/>
    /// when given), or null with the reason why there is none.</summary>
    public Job? JobOf(string name, string? rule, out string why)
    {
        why = "";
        Node node = Node(name);
        if (rule == null)
        {
            // among candidates that only may make it, the one that did (else the first, which would be tried first)
            if (node.Candidates?.FirstOrDefault(c => c.Wrote(node)) is Job maker) return maker;
            if (node.Producer != null) return node.Producer;
            if (node.Kind != NodeKind.Source && ByStoredName(name, null) is Job starJob) return starJob;
            why = node.Kind == NodeKind.Source ? "is a source" : node.Multi != null ? $"is made by several rules ({node.Multi})"
                : node.Uphill != null ? $"is below {node.Uphill}, a file" : "no rule can make it";
            return null;
        }
        foreach (RuleMatch match in Graph.Index!.Candidates(name))
        {
            if (match.Rule.Name != rule) continue;
            if (match.Rule.IsSpecial)
            {
                why = $"rule {rule} is an {match.Rule.Kind} rule: it runs no job";
                return null;
            }
            return Graph.Job(match, Graph.Evaluator!.Plan(match));
        }
        if (ByStoredName(name, rule) is Job named) return named;
        why = Graph.Makefiles!.Rules.Any(r => r.Name == rule) ? $"rule {rule} does not match it" : $"no rule named {rule}";
        return null;
    }

    /// <summary>A job named as its status lines name it when that is no file name (a star job: `x{N*}.o`):
    /// found among the recorded jobs, and rebuilt from one of the targets it left.</summary>
    private Job? ByStoredName(string name, string? rule)
    {
        if (!name.Contains('{')) return null;
        foreach (Job j in Graph.Jobs)
            if (j.Name == name && (rule == null || j.Rule.Name == rule)) return j;
        GraphStore store = Graph.Store;
        for (uint id = 1; id <= store.JobCount; id++)
        {
            // the key says whether it is the one: the whole record is read only then
            var (keyRule, keyName) = Job.SplitKey(store.JobKey(id));
            if (keyName != name || (rule != null && keyRule != rule)) continue;
            StoredJob j = store.ReadJob(id);
            if (j.Targets.Count == 0) continue;
            string target = Graph.Store.NodeName(j.Targets[0]);
            foreach (RuleMatch match in Graph.Index!.Candidates(target))
                if (match.Rule.Name == j.Rule && !match.Rule.IsSpecial)
                {
                    JobPlan plan = Graph.Evaluator!.Plan(match);
                    if (plan.JobName == name) return Graph.Job(match, plan);
                }
        }
        return null;
    }

    /// <summary>The jobs the server knows of right now that are running or waiting for a slot.</summary>
    public IEnumerable<Job> RunningJobs() => Graph.Jobs.Where(j => j.Running is { IsOver: false });

    /// <summary>Every job recorded in the store: loaded (ran at least once under some rules), by its key.</summary>
    public IEnumerable<StoredJob> StoredJobs()
    {
        GraphStore store = Graph.Store;
        for (uint id = 1; id <= store.JobCount; id++) yield return store.ReadJob(id);
    }

    public static string FormatDate(DateTime d) => d == default ? "" : d.ToString("yyyy-MM-dd HH:mm:ss.fff", System.Globalization.CultureInfo.InvariantCulture);

    public static string FormatBytes(long bytes) =>
        bytes >= 1 << 30 ? $"{bytes / (double)(1 << 30):0.0}G" : bytes >= 1 << 20 ? $"{bytes / (double)(1 << 20):0.0}M"
        : bytes >= 1 << 10 ? $"{bytes / 1024.0:0.0}k" : $"{bytes}";

    public static InstallLayout Layout => InstallLayout.Current;
}
