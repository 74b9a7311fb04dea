// The in-job commands and xxhsum, one executable called by several names (links in bin/).
using Lmake.Common;
using Lmake.JobCommands;

return CommandName.Invoked switch
{
    "xxhsum" => XxhsumCommand.Run(args),
    "lencode" => CodecCommands.Encode(args),
    "ldepend" => DependCommand.Run(args),
    "ltarget" => TargetCommand.Run(args),
    "lcheck_deps" => CheckDepsCommand.Run(args),
    _ => CodecCommands.Decode(args),
};
