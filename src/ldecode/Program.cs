// The in-job commands, one executable called by several names (links in bin/).
using Lmake.Common;
using Lmake.JobCommands;

return CommandName.Invoked switch
{
    "xxhsum" => XxhsumCommand.Run(args),
    "lencode" => PendingCommand.Run("lencode", "encode a value read on stdin into a short code", args),
    "ldepend" => PendingCommand.Run("ldepend", "declare deps of the running job", args),
    "ltarget" => PendingCommand.Run("ltarget", "declare targets of the running job", args),
    "lcheck_deps" => PendingCommand.Run("lcheck_deps", "stop the job if a dep seen so far is not up to date", args),
    _ => PendingCommand.Run("ldecode", "decode a code into the value it stands for", args),
};
