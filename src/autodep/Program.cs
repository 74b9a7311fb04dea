// The job supervisor, also `lautodep` (run a command under dependency tracking outside a build).
using Lmake.Common;

return CommandName.Invoked switch
{
    "lautodep" => PendingCommand.Run("lautodep", "run a command under dependency tracking and list its accesses", args),
    _ => PendingCommand.Run("job_exec", "run one job under dependency tracking (called by lmakeserver)", args),
};
