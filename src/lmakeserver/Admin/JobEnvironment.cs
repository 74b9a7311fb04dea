// A job's environment as the local backend would give it (spec A8), for `lshow -E` and `ldebug`.
using Lmake.Server.Backends.Local;
using Lmake.Server.Engine;

namespace Lmake.Server.Admin;

public static class JobEnvironment
{
    public static Dictionary<string, string> Of(AdminContext ctx, Job job, string tmpDir) =>
        new LocalBackend(ctx.RepoRoot, AdminContext.Layout).Environ(job.Id, job.Plan, 1, tmpDir);
}
