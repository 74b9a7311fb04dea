// The user commands, one executable called by several names (links in bin/).
using Lmake.Common;

return CommandName.Invoked switch
{
    "lshow" => PendingCommand.Run("lshow", "show what lmake knows of files and jobs", args),
    "lforget" => PendingCommand.Run("lforget", "forget deps, star targets or resources of jobs", args),
    "lmark" => PendingCommand.Run("lmark", "freeze files or jobs, or mark them no-trigger", args),
    "ldebug" => PendingCommand.Run("ldebug", "run a job interactively from its script", args),
    "lcollect" => PendingCommand.Run("lcollect", "remove generated files no job claims any more", args),
    "lmake_repair" => PendingCommand.Run("lmake_repair", "rebuild the state from the files on disk", args),
    _ => PendingCommand.Run("lmake", "make targets\n\n" + ExitCode.Table, args),
};
