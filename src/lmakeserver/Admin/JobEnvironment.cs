// A job's environment as the local backend would give it (spec A8), for `lshow -E` and `ldebug`.
using Lmake.Server.Engine;

namespace Lmake.Server.Admin;

public static class JobEnvironment
{
    public static Dictionary<string, string> Of(AdminContext ctx, Job job, string tmpDir) =>
        new LocalBackend(ctx.Graph, AdminContext.Layout).Environ(job, 1, tmpDir);
}
