// lforget (spec C): make lmake forget what it knows of jobs so that they run again: their last run by
// default, and with -d the deps they discovered, -t their star targets, -r only the jobs whose resources
// changed since they ran. Prints one `forgot RULE JOB` line per job forgotten.
using Lmake.Common;
using Lmake.Common.Commands;
using Lmake.Server.Engine;
using Lmake.Server.State;
using Lmake.Server.Transport;

namespace Lmake.Server.Admin;

public static class Lforget
{
    public static int Run(AdminContext ctx, ClientRequest request, AdminOptions o, IClientOutput output)
    {
        int code = ExitCode.Ok;
        foreach (string typed in o.Names)
        {
            string name = ctx.RepoName(typed, request.Cwd);
            Job? job = ctx.JobOf(name, o.Rule, out string why);
            if (job == null)
            {
                output.Err($"lforget: {typed}: {why}");
                code = ExitCode.BuildFailed;
                continue;
            }
            if (job.Running is { IsOver: false })
            {
                output.Err($"lforget: job {job.Rule.Name} {job.Name} is running: try again when it is over");
                code = ExitCode.BuildFailed;
                continue;
            }
            if (o.ForgetResources && !ResourcesChanged(ctx, job)) continue;
            if (o.ForgetDeps) job.Deps = Array.FindAll(job.Deps, d => d.IsStatic);
            if (o.ForgetTargets) job.Targets = Array.FindAll(job.Targets, t => job.Plan.Targets.Contains(t.Name));
            job.Status = JobStatus.Never;
            ctx.Graph.Save(job);
            output.Out($"forgot {job.Rule.Name} {job.Name}");
        }
        return code;
    }

    private static bool ResourcesChanged(AdminContext ctx, Job job)
    {
        JobInfo? info = JobInfos.Read(ctx.RepoRoot, job.Id);
        if (info == null) return false;   // never ran: nothing to compare with
        IReadOnlyDictionary<string, string> now = job.Plan.Resources;
        return info.Resources.Count != now.Count || info.Resources.Any(kv => !now.TryGetValue(kv.Key, out string? v) || v != kv.Value);
    }
}
