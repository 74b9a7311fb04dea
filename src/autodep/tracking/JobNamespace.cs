// The private namespace a job runs in (repo_view, tmp_view, lmake_view, views, chroot_dir, chroot_actions): the mounts
// the helper _bin/job_namespace makes before it execs the job, and how names the job uses map back to the
// repo's names for tracking. Computed by the server (NamespacePlanner); JobLauncher turns it into the
// helper's command line and the shim's environment.
namespace Lmake.Autodep;

/// <summary>One mount of a job's namespace. <see cref="Destination"/> is a name as the job sees it; the
/// others are native names.</summary>
public sealed record NamespaceMount
{
    public required string Destination { get; init; }
    /// <summary>A bind mount of this native dir (null for an overlay).</summary>
    public string? Source { get; init; }
    /// <summary>An overlay: its lower dirs (first on top), upper dir and work dir (empty, on the upper's file system).</summary>
    public IReadOnlyList<string> Lowers { get; init; } = [];
    public string? Upper { get; init; }
    public string? Work { get; init; }
    public bool IsOverlay => Source is null;
}

/// <summary>A view prefix as the job sees it and the prefix the tracker reports instead (both absolute names
/// of the job's world): accesses through a bound view are accesses to the physical dir.</summary>
public sealed record ViewNameMap(string Logical, string Physical);

public sealed class JobNamespace
{
    /// <summary>A native dir on which the helper builds the job's root (a tmpfs mirroring <see cref="BaseRoot"/>
    /// plus the views), then chroots; null: the mounts are made in place.</summary>
    public string? NewRoot { get; init; }
    /// <summary>The root the job's root reflects: chroot_dir, or "/".</summary>
    public string BaseRoot { get; init; } = "/";
    /// <summary>chroot_actions (user_name, resolv_conf): files the helper writes in the new root's /etc (never in
    /// BaseRoot itself); only with a NewRoot.</summary>
    public IReadOnlyList<string> ChrootActions { get; init; } = [];
    /// <summary>In order, parents first.</summary>
    public IReadOnlyList<NamespaceMount> Mounts { get; init; } = [];
    /// <summary>The job's cwd as the job sees it (the repo root, or repo_view).</summary>
    public required string Cwd { get; init; }
    /// <summary>The repo root as the job sees it: names under it are the repo's (the shim's root).</summary>
    public required string RepoRoot { get; init; }
    /// <summary>The shim as the job sees it (the install may be at lmake_view); null: where it is natively.</summary>
    public string? ShimPath { get; init; }
    /// <summary>Longest logical prefix first.</summary>
    public IReadOnlyList<ViewNameMap> NameMaps { get; init; } = [];

    /// <summary>The environment entry giving <see cref="NameMaps"/> to the shim: LOGICAL '\t' PHYSICAL pairs, one a
    /// line (names hold no newline: the planner refuses them).</summary>
    public const string NameMapVariable = "LMAKE_AUTODEP_VIEWS";

    public string NameMapText() => string.Concat(NameMaps.Select(m => m.Logical + "\t" + m.Physical + "\n"));

    /// <summary>The helper's arguments before "--" and the job's argv.</summary>
    public List<string> HelperArguments()
    {
        var args = new List<string>();
        if (NewRoot is not null)
        {
            args.Add("-R"); args.Add(NewRoot);
            if (BaseRoot != "/") { args.Add("-C"); args.Add(BaseRoot); }
            foreach (string action in ChrootActions) { args.Add("-a"); args.Add(action); }
        }
        foreach (NamespaceMount m in Mounts)
        {
            if (m.IsOverlay) { args.Add("-o"); args.Add(m.Destination); args.Add(string.Join(':', m.Lowers)); args.Add(m.Upper!); args.Add(m.Work!); }
            else { args.Add("-b"); args.Add(m.Source!); args.Add(m.Destination); }
        }
        if (args.Count == 0) args.Add("-n");
        args.Add("-d"); args.Add(Cwd);
        return args;
    }

    /// <summary>The native name of an absolute name of the job's world in the repo (through its views first); other
    /// names as they are. For what in-job commands send (their cwd).</summary>
    public string NativeName(string jobName, string nativeRepoRoot)
    {
        string name = MapName(NameMaps, jobName);
        string root = RepoRoot.TrimEnd('/');
        if (name == root) return nativeRepoRoot;
        return name.StartsWith(root + "/", StringComparison.Ordinal) ? nativeRepoRoot.TrimEnd('/') + name[root.Length..] : name;
    }

    /// <summary>The name the tracker reports for an absolute name of the job's world: the physical name when it lies
    /// in a view (the view's own name when it is the view itself), else the name itself.</summary>
    public static string MapName(IReadOnlyList<ViewNameMap> maps, string name)
    {
        foreach (ViewNameMap m in maps)
        {
            if (!name.StartsWith(m.Logical, StringComparison.Ordinal)) continue;
            if (name.Length == m.Logical.Length) return m.Physical;
            if (name[m.Logical.Length] == '/') return m.Physical + name[m.Logical.Length..];
        }
        return name;
    }
}
