// The server (and the store dumper, same executable under another name).
using Lmake.Common;

return CommandName.Invoked switch
{
    "lmake_dump" => PendingCommand.Run("lmake_dump", "print the store of a repo in readable form", args),
    _ => PendingCommand.Run("lmakeserver", "the lmake server, started by lmake", args),
};
