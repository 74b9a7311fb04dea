// The user commands, one executable called by several names (links in bin/): lmake and the admin commands.
// Each answers -h, --version and usage errors itself, then finds the repo, reaches (or starts) its server,
// and relays the request there.
using Lmake.Client;
using Lmake.Common;
using Lmake.Common.Commands;
using Lmake.Common.Protocol;

string invoked = CommandName.Invoked;
string command = CommandCatalog.AdminCommands.ContainsKey(invoked) ? invoked : "lmake";
try
{
    bool freshServer = false;
    string[] forwarded = args;
    if (command == "lmake")
    {
        forwarded = LmakeCommandLine.PrependEnvironmentArgs(args, Environment.GetEnvironmentVariable("LMAKE_ARGS"));
        if (LmakeCommandLine.TryAnswerLocally(forwarded, Console.Out)) return ExitCode.Ok;
        freshServer = LmakeCommandLine.Parse(forwarded).FreshServer;
    }
    else if (CommandCatalog.TryAnswerLocally(command, args, Console.Out))
    {
        return ExitCode.Ok;
    }

    string cwd = Environment.CurrentDirectory;
    string root = RepoRoot.Find(cwd) ?? throw new UsageException($"{command}: {RepoRoot.NotFoundMessage}");
    using ServerConnection connection = ServerConnector.Connect(new ServerFiles(root), freshServer);
    var request = new RequestMessage(command, forwarded, cwd, root, RequestMessage.CurrentEnviron(),
        StdoutIsTerminal: !Console.IsOutputRedirected);
    return new RequestSession(connection, command).Run(request);
}
catch (UsageException e)
{
    Console.Error.WriteLine(e.Message);
    Console.Error.WriteLine($"(see {command} -h)");
    return ExitCode.Usage;
}
catch (ServerUnavailableException e)
{
    Console.Error.WriteLine($"{command}: {e.Message}");
    return ExitCode.BadServer;
}
catch (UnauthorizedAccessException e)
{
    // e.g. a read-only repo whose LMAKE/ cannot hold a server's files
    Console.Error.WriteLine($"{command}: {e.Message}");
    return ExitCode.Permission;
}
catch (Exception e)
{
    Console.Error.WriteLine($"{command}: internal error: {e.Message}");
    return ExitCode.InternalError;
}
