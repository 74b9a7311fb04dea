// Whether a job may list a dir of the repo (execution.md, "Reading a dir"): the content of a dir depends on the
// history of the repo, so a listing is an error unless allowed: readdir_ok on the rule, the readdir_ok flag on
// a deps or side_deps entry matching the dir ('.' for the repo root), ldepend -D / lmake.depend(readdir_ok=True),
// or the dir being an incremental or ignored target (its user already handles its history).
using Lmake.Autodep;
using Lmake.Server.Rules;

namespace Lmake.Server.Backends;

public static class ListingPermission
{
    /// <summary>Whether the access (a listing or not) breaks the rule: a listing nothing allowed.</summary>
    public static bool IsForbiddenListing(JobPlan plan, Access access)
    {
        if (!access.ReaddirWithoutOk || plan.ReaddirOk) return false;
        if ((access.TargetFlags & (DeclaredTargetFlags.Incremental | DeclaredTargetFlags.Ignore)) != 0) return false;
        if ((access.DepFlags & DeclaredDepFlags.Ignore) != 0) return false;
        string name = access.Name;
        if ((PlanFlags.Of(plan, name) & (TargetFlags.Incremental | TargetFlags.Ignore)) != 0) return false;
        foreach (StaticDep d in plan.StaticDeps.Concat(plan.SideDeps))
            if (d.Name == name && (d.Flags & (DepFlags.ReaddirOk | DepFlags.Ignore)) != 0) return false;
        foreach (DepPattern p in plan.StarDeps)
            if ((p.Flags & (DepFlags.ReaddirOk | DepFlags.Ignore)) != 0 && p.Regex.IsMatch(name)) return false;
        return true;
    }
}
