// The namespace attributes of one job (rules.md: repo_view, tmp_view, lmake_view, chroot_dir, chroot_actions, views), with its
// stems substituted, as the rule wrote them: NamespacePlanner checks them and turns them into mounts.
namespace Lmake.Server.Rules;

/// <summary>One entry of views: the logical dir and either the physical dir it is bound to, or the dirs of an
/// overlay. Names are as written: relative ones are in the repo; a trailing '/' may mark a dir.</summary>
public sealed record ViewSpec(string View, string? Bind, string? Upper, IReadOnlyList<string> Lower, IReadOnlyList<string> CopyUp)
{
    public bool IsOverlay => Bind is null;
}

public sealed class JobViews
{
    public string? RepoView { get; init; }
    public string? TmpView { get; init; }
    public string? LmakeView { get; init; }
    public string? ChrootDir { get; init; }
    /// <summary>chroot_actions (user_name, resolv_conf): what is prepared in the job's /etc when ChrootDir is set.</summary>
    public IReadOnlyList<string> ChrootActions { get; init; } = [];
    /// <summary>kill_daemons: the job runs in a pid namespace of its own, which every namespace has (job_namespace.c),
    /// so that nothing it started survives it; alone, it asks for a namespace with no other effect.</summary>
    public bool KillDaemons { get; init; }
    public IReadOnlyList<ViewSpec> Views { get; init; } = [];

    internal static JobViews? Expand(NamespaceDocument? doc, Func<string, string?> lookup)
    {
        if (doc is null) return null;
        string? One(List<string>? parts) => parts is null ? null : new Template(parts).Expand(lookup);
        var views = new List<ViewSpec>();
        foreach (ViewDocument v in doc.Views ?? [])
            views.Add(new ViewSpec(One(v.View)!, One(v.Bind), One(v.Upper),
                [.. (v.Lower ?? []).Select(p => One(p)!)], [.. (v.CopyUp ?? []).Select(p => One(p)!)]));
        var result = new JobViews
        {
            RepoView = One(doc.RepoView), TmpView = One(doc.TmpView), LmakeView = One(doc.LmakeView),
            ChrootDir = One(doc.ChrootDir), ChrootActions = doc.ChrootActions ?? [], KillDaemons = doc.KillDaemons,
            Views = views,
        };
        return result.IsEmpty ? null : result;
    }

    /// <summary>Nothing asked: the job runs in the native namespace.</summary>
    public bool IsEmpty => string.IsNullOrEmpty(RepoView) && string.IsNullOrEmpty(TmpView) && string.IsNullOrEmpty(LmakeView)
        && string.IsNullOrEmpty(ChrootDir) && Views.Count == 0 && !KillDaemons;
}
