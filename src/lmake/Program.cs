// The user commands, one executable called by several names (links in bin/): lmake and the admin commands.
// Each answers -h, --version and usage errors itself, then finds the repo, reaches (or starts) its server,
// and relays the request there. On a read-only repo with no server, an admin command is served by a
// read-only lmakeserver on pipes (ReadOnlyServer); lmake_repair runs `lmakeserver --repair` when no server runs.
using System.Text;
using Lmake.Client;
using Lmake.Common;
using Lmake.Common.Commands;
using Lmake.Common.Protocol;

// stdout or stderr on a full disk: what cannot be written is lost, the exit code still says how the build went
LossTolerantWriter.InstallOnConsole();
string invoked = CommandName.Invoked;
string command = CommandCatalog.AdminCommands.ContainsKey(invoked) ? invoked : "lmake";
try
{
    bool freshServer = false, plain = true;
    string[] forwarded = args;
    if (command == "lmake")
    {
        forwarded = LmakeCommandLine.PrependEnvironmentArgs(args, Environment.GetEnvironmentVariable("LMAKE_ARGS"));
        if (LmakeCommandLine.TryAnswerLocally(forwarded, Console.Out)) return ExitCode.Ok;
        LmakeOptions options = LmakeCommandLine.Parse(forwarded);
        freshServer = options.FreshServer;
        plain = options.Plain;
    }
    else if (CommandCatalog.TryAnswerLocally(command, args, Console.Out))
    {
        return ExitCode.Ok;
    }

    string cwd = Environment.CurrentDirectory;
    string root = RepoRoot.Find(cwd) ?? throw new UsageException($"{command}: {RepoRoot.NotFoundMessage}");
    var files = new ServerFiles(root);
    // lmake_repair runs without a server; while one runs, that server tells the user to wait for it
    if (command == "lmake_repair" && !FileLock.IsHeld(files.LockFile))
        return Repair.Run(files, check: AdminCommandLines.Parse(command, args).Check);
    using ServerConnection connection = command != "lmake" && ReadOnlyServer.Applies(files)
        ? ReadOnlyServer.Start(files)
        : ServerConnector.Connect(files, freshServer);
    // lmake on a terminal shows more than its status lines (TerminalView), unless told not to; a pipe gets them alone
    bool terminal = !plain && !Console.IsOutputRedirected && Environment.GetEnvironmentVariable("TERM") is not ("dumb" or null or "");
    var request = new RequestMessage(command, forwarded, cwd, root, RequestMessage.CurrentEnviron(), StdoutIsTerminal: terminal);
    string? script = null;
    bool runsDebugScript = command == "ldebug" && !AdminCommandLines.Parse(command, args).DryRun;
    var session = new RequestSession(connection, command)
    {
        OutToStderr = runsDebugScript,
        Terminal = terminal,
        Colors = terminal && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR")),
        OnOut = line =>
        {
            string text = Encoding.UTF8.GetString(line);
            if (text.StartsWith(DebugScript.LinePrefix, StringComparison.Ordinal)) script = text[DebugScript.LinePrefix.Length..];
        },
    };
    int code = session.Run(request);
    if (session.Interrupted) session.DieOfInterrupt();   // after the server's last lines: killed, continue...
    // the server checked the options (the admin commands' are the engine's business): -n is read here only
    if (runsDebugScript && code == ExitCode.Ok && script != null)
        return DebugScript.Run(Path.GetFullPath(script, cwd));
    return code;
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
    return e.ExitCode;
}
catch (UnauthorizedAccessException e)
{
    // e.g. a read-only repo whose LMAKE/ cannot hold a server's files
    Console.Error.WriteLine($"{command}: {e.Message}");
    return ExitCode.Permission;
}
catch (IOException e) when (WriteRefused.IsNoSpace(e) || WriteRefused.IsReadOnly(e))
{
    // a full disk, a read-only repo: no lmake bug, said in one line
    Console.Error.WriteLine(WriteRefused.Message(command, e));
    return WriteRefused.ExitCodeOf(e);
}
catch (Exception e)
{
    Console.Error.WriteLine($"{command}: internal error: {e.Message}");
    return ExitCode.InternalError;
}
