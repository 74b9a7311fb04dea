// The job supervisor: `job_exec --remote IP:PORT` runs one job for a remote backend (RemoteJobRunner); also
// `lautodep` (run a command under dependency tracking outside a build).
using Lmake.Common;
using Lmake.JobExec;

return CommandName.Invoked switch
{
    "lautodep" => LautodepCommand.Run(args),
    _ => RemoteJobRunner.Run(args),
};
