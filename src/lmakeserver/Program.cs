// The server (and the store dumper, same executable under another name). lmake starts it detached, in the
// repo, as `lmakeserver --repo ROOT`; it serves every client of that repo and exits when idle.
using System.CommandLine;
using Lmake.Common;
using Lmake.Common.Commands;
using Lmake.Server.Engine;
using Lmake.Server.Transport;

if (CommandName.Invoked == "lmake_dump")
    return PendingCommand.Run("lmake_dump", "print the store of a repo in readable form", args);

var root = new RootCommand("lmakeserver: the lmake server of a repo, started by lmake (see LMAKE/server)");
var repo = new Option<string>("--repo") { Description = "the repo root (default: the current directory)" };
var grace = new Option<int?>("--idle-grace-ms")
    { Description = "exit after this many ms without any client (default: $LMAKE_SERVER_IDLE_MS, else 1000)" };
root.Options.Add(repo);
root.Options.Add(grace);
try
{
    if (CommandLineParsing.TryAnswerLocally(root, args, Console.Out)) return ExitCode.Ok;
    ParseResult parsed = CommandLineParsing.ParseOrThrow(root, args, "lmakeserver");
    string repoRoot = Path.GetFullPath(parsed.GetValue(repo) ?? Environment.CurrentDirectory);
    // The server inherits the environment of the client that started it: $LMAKE_SERVER_IDLE_MS lets a user
    // (or a test) keep it longer, or shorter, than the default.
    int? idleMs = parsed.GetValue(grace)
        ?? (int.TryParse(Environment.GetEnvironmentVariable("LMAKE_SERVER_IDLE_MS"), out int fromEnv) ? fromEnv : null);
    TimeSpan idle = idleMs is int ms && ms >= 0 ? TimeSpan.FromMilliseconds(ms) : ServerProcess.DefaultIdleGrace;
    int code = ServerProcess.Run(repoRoot, idle, r => new EngineHandler(r), new ServerLog(Console.Error));
    // Exit now, whatever threads the engine may still have: a server past its end must not hold the repo.
    Environment.Exit(code);
    return code;
}
catch (UsageException e)
{
    Console.Error.WriteLine(e.Message);
    return ExitCode.Usage;
}
catch (Exception e)
{
    Console.Error.WriteLine($"lmakeserver: {e.Message}");
    return ExitCode.BadServer;
}
