// The job supervisor, also `lautodep` (run a command under dependency tracking outside a build).
using Lmake.Common;
using Lmake.JobExec;

return CommandName.Invoked switch
{
    "lautodep" => LautodepCommand.Run(args),
    _ => PendingCommand.Run("job_exec", "run one job under dependency tracking (for remote backends; local jobs run inside lmakeserver)", args),
};
