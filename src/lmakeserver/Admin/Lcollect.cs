// lcollect (spec C): removes the files lmake generated that no job claims any more (their rule is gone or
// changed, or their job stopped writing them). Only files a job of this repo wrote are touched: sources and
// files lmake never made are kept; a generated file edited by hand since is moved to LMAKE/quarantine/.
using Lmake.Common;
using Lmake.Common.Commands;
using Lmake.Server.Engine;
using Lmake.Server.State;
using Lmake.Server.Transport;

namespace Lmake.Server.Admin;

public static class Lcollect
{
    public static int Run(AdminContext ctx, ClientRequest request, AdminOptions o, IClientOutput output)
    {
        GraphStore store = ctx.Graph.Store;
        foreach (string typed in o.Names)
        {
            string dir = ctx.RepoName(typed, request.Cwd);
            string full = Path.Combine(ctx.RepoRoot, dir);
            if (!Directory.Exists(full)) throw new UsageException($"{typed}: not a directory");
            foreach (string file in Files(full))
            {
                string name = Path.GetRelativePath(ctx.RepoRoot, file);
                if (ctx.Graph.IsSource(name) || !store.TryNodeId(name, out uint id)) continue;
                uint writer = store.NodeRecordOf(id).WrittenBy;
                if (writer == 0 || writer > store.JobCount || IsClaimed(ctx, name, id, store.ReadJob(writer))) continue;
                if (o.DryRun)
                {
                    output.Out(name);
                    continue;
                }
                string? done = StaleOutputs.Remove(ctx.Graph, ctx.Graph.Node(name));
                if (done != null) output.Out($"{done} {name}");
            }
        }
        return ExitCode.Ok;
    }

    /// <summary>Its last writer still lists it and is still the job that makes it under the current rules.</summary>
    private static bool IsClaimed(AdminContext ctx, string name, uint id, StoredJob writer)
    {
        if (writer.Status == JobStatus.Never || !writer.Targets.Contains(id)) return false;
        Node node = ctx.Node(name);
        return node.Producer?.Key == writer.Key || (node.Candidates?.Any(c => c.Key == writer.Key) ?? false);
    }

    private static IEnumerable<string> Files(string dir)
    {
        var options = new EnumerationOptions { RecurseSubdirectories = false, AttributesToSkip = 0, IgnoreInaccessible = true };
        foreach (string f in Directory.EnumerateFiles(dir, "*", options)) yield return f;
        foreach (string d in Directory.EnumerateDirectories(dir, "*", options))
        {
            string leaf = Path.GetFileName(d);
            if (leaf is LmakeDir.Name or ".git" || new FileInfo(d).LinkTarget != null) continue;
            foreach (string f in Files(d)) yield return f;
        }
    }
}
