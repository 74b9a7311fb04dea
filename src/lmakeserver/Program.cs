// The server (and the store dumper, same executable under another name). lmake starts it detached, in the
// repo, as `lmakeserver --repo ROOT`; it serves every client of that repo and exits when idle. Two other
// modes serve one client on its own terminal or pipes: --read-only (an admin command on a read-only repo)
// and --repair (lmake_repair).
using System.CommandLine;
using Lmake.Common;
using Lmake.Common.Commands;
using Lmake.Server;
using Lmake.Server.Transport;

// LMAKE/server.log (and a cache dir's log) may be on a full disk: a line that cannot be written is lost, not fatal
LossTolerantWriter.InstallOnConsole();
ServerGcSettings.ForgetAdded();
if (CommandName.Invoked == "lmake_dump") return DumpCommand(args);
if (CommandName.Invoked == "lcache_repair") return CacheRepairCommand(args);
if (CommandName.Invoked == "lcodec_repair") return CodecRepairCommand(args);
if (CommandName.Invoked == "lcache_server") return CacheServerCommand(args);

var root = new RootCommand("lmakeserver: the lmake server of a repo, started by lmake (see LMAKE/server)");
var repo = new Option<string>("--repo") { Description = "the repo root (default: the current directory)" };
var grace = new Option<int?>("--idle-grace-ms")
    { Description = "exit after this many ms without any client (default: $LMAKE_SERVER_IDLE_MS, else 1000)" };
var readOnly = new Option<bool>("--read-only")
    { Description = "serve one admin request on stdin/stdout without writing anything (a read-only repo)" };
var readyFd = new Option<int?>("--ready-fd")
    { Description = "write one byte on this fd (a pipe from the client that starts the server) once listening" };
var repair = new Option<bool>("--repair") { Description = "rebuild the store from the files on disk and the job records (lmake_repair)" };
var check = new Option<bool>("--check") { Description = "with --repair: only check the store, change nothing (lmake_repair --check): exit 0 sound, 5 damaged" };
root.Options.Add(repo);
root.Options.Add(grace);
root.Options.Add(readOnly);
root.Options.Add(repair);
root.Options.Add(check);
root.Options.Add(readyFd);
try
{
    if (CommandLineParsing.TryAnswerLocally(root, args, Console.Out)) return ExitCode.Ok;
    ParseResult parsed = CommandLineParsing.ParseOrThrow(root, args, "lmakeserver");
    string repoRoot = Path.GetFullPath(parsed.GetValue(repo) ?? Environment.CurrentDirectory);
    if (parsed.GetValue(readOnly)) return Lmake.Server.Admin.ReadOnlyServer.Run(repoRoot);
    if (parsed.GetValue(repair))
        return parsed.GetValue(check) ? Lmake.Server.Admin.StoreCheck.Run(repoRoot, Console.Out) : Lmake.Server.Admin.StoreRepair.Run(repoRoot, Console.Out);
    // The server inherits the environment of the client that started it: $LMAKE_SERVER_IDLE_MS lets a user
    // (or a test) keep it longer, or shorter, than the default.
    int? idleMs = parsed.GetValue(grace)
        ?? (int.TryParse(Environment.GetEnvironmentVariable("LMAKE_SERVER_IDLE_MS"), out int fromEnv) ? fromEnv : null);
    TimeSpan idle = idleMs is int ms && ms >= 0 ? TimeSpan.FromMilliseconds(ms) : ServerProcess.DefaultIdleGrace;
    int code = ServerProcess.Run(repoRoot, idle, r => new RequestDispatch(r), new ServerLog(Console.Error),
        parsed.GetValue(readyFd));
    // Exit now, whatever threads the engine may still have: a server past its end must not hold the repo.
    Environment.Exit(code);
    return code;
}
catch (UsageException e)
{
    Console.Error.WriteLine(e.Message);
    return ExitCode.Usage;
}
catch (Lmake.Store.StoreException e)
{
    // a damaged store: the client that started this server says so with exit 5 (ExitCode.BadState)
    Console.Error.WriteLine($"lmakeserver: {e.Message}");
    return ExitCode.BadState;
}
catch (IOException e) when (WriteRefused.IsNoSpace(e) || WriteRefused.IsReadOnly(e))
{
    // the store could not be opened for want of room (an index rebuilt at open) or on a read-only disk: the client
    // that started this server says so with the same exit code as a build that meets it (10, 7)
    Console.Error.WriteLine(WriteRefused.Message("lmakeserver", e));
    return WriteRefused.ExitCodeOf(e);
}
catch (Exception e)
{
    Console.Error.WriteLine($"lmakeserver: {e.Message}");
    return ExitCode.BadServer;
}

static int CacheRepairCommand(string[] args) =>
    RepairCommand(args, "lcache_repair", "lcache_repair: make a cache dir coherent again (what is not a whole run goes)",
        "the cache dir", [], (parsed, dir, dryRun, force) =>
            Lmake.Server.Cache.CacheRepair.Run(dir, dryRun, force, Console.In, Console.Out, Console.Error));

static int CacheServerCommand(string[] args)
{
    var root = new RootCommand("lcache_server: the daemon of a cache dir (started by lmake when needed, or by hand, e.g. on a dedicated host)");
    var dir = new Argument<string>("dir") { Description = "the cache dir (holding LMAKE/config.py)" };
    var auto = new Option<bool>("--auto") { Description = "for internal use: started by lmake, exits when no client was connected for a while", Hidden = true };
    root.Arguments.Add(dir);
    root.Options.Add(auto);
    return Guarded("lcache_server", () =>
    {
        const string exits = "\nexit codes:\n  0   ok (stopped by SIGTERM or ^C, or idle when started by lmake)\n  3   LMAKE/config.py cannot be read or holds an error\n" +
            "  4   another lcache_server serves the dir, or it cannot listen\n  7   permission denied\n  10  a system call failed\n  11  usage error\n" +
            "  12  the dir is a cache of another version\n";
        if (CommandLineParsing.TryAnswerLocally(root, args, Console.Out, exits)) return ExitCode.Ok;
        ParseResult parsed = CommandLineParsing.ParseOrThrow(root, args, "lcache_server");
        TimeSpan? idle = null;
        if (parsed.GetValue(auto))
            idle = int.TryParse(Environment.GetEnvironmentVariable("LMAKE_CACHE_SERVER_IDLE_MS"), out int ms) && ms >= 0
                ? TimeSpan.FromMilliseconds(ms) : Lmake.Server.Cache.CacheServer.DefaultIdleGrace;
        return Lmake.Server.Cache.CacheServer.Run(parsed.GetValue(dir)!, idle, Console.Error);
    });
}

static int CodecRepairCommand(string[] args)
{
    var reconstruct = new Option<bool>("--reconstruct", "-r")
        { Description = "take every decode entry (links, or files written by hand) as an association and make the rest for it" };
    return RepairCommand(args, "lcodec_repair", "lcodec_repair: make a codec table dir coherent again (what is not a whole association goes)",
        "the codec table dir", [reconstruct], (parsed, dir, dryRun, force) =>
            Lmake.Server.Admin.CodecRepair.Run(dir, dryRun, force, parsed.GetValue(reconstruct), Console.In, Console.Out, Console.Error));
}

// the repair commands of a dir (lcache_repair, lcodec_repair): DIR, -n and -f, plus their own options
static int RepairCommand(string[] args, string name, string description, string dirDescription, Option[] extra,
    Func<ParseResult, string, bool, bool, int> run)
{
    var root = new RootCommand(description);
    var dryRun = new Option<bool>("--dry-run", "-n") { Description = "print what would be done, do nothing" };
    var force = new Option<bool>("--force", "-f") { Description = "do it without asking for a confirmation" };
    var dir = new Argument<string>("dir") { Description = dirDescription };
    root.Options.Add(dryRun);
    root.Options.Add(force);
    foreach (Option o in extra) root.Options.Add(o);
    root.Arguments.Add(dir);
    return Guarded(name, () =>
    {
        if (CommandLineParsing.TryAnswerLocally(root, args, Console.Out)) return ExitCode.Ok;
        ParseResult parsed = CommandLineParsing.ParseOrThrow(root, args, name);
        return run(parsed, parsed.GetValue(dir)!, parsed.GetValue(dryRun), parsed.GetValue(force));
    });
}

static int DumpCommand(string[] args)
{
    var root = new RootCommand("lmake_dump: print the store of a repo in readable form (rules, nodes, jobs)");
    var repo = new Option<string>("--repo") { Description = "the repo root (default: the repo of the current directory)" };
    root.Options.Add(repo);
    return Guarded("lmake_dump", () =>
    {
        if (CommandLineParsing.TryAnswerLocally(root, args, Console.Out)) return ExitCode.Ok;
        ParseResult parsed = CommandLineParsing.ParseOrThrow(root, args, "lmake_dump");
        string? repoRoot = parsed.GetValue(repo) is string r ? Path.GetFullPath(r) : RepoRoot.Find(Environment.CurrentDirectory);
        if (repoRoot == null) throw new UsageException($"lmake_dump: {RepoRoot.NotFoundMessage}");
        return Lmake.Server.Admin.StoreDump.Run(repoRoot, Console.OpenStandardOutput());
    });
}

// the tools other than the server: one line and an exit code for what goes wrong, never a stack trace
static int Guarded(string command, Func<int> body)
{
    try { return body(); }
    catch (UsageException e)
    {
        Console.Error.WriteLine(e.Message);
        return ExitCode.Usage;
    }
    catch (Lmake.Store.StoreException e)
    {
        Console.Error.WriteLine($"{command}: {e.Message}");
        return ExitCode.BadState;
    }
    catch (Exception e)
    {
        Console.Error.WriteLine($"{command}: internal error: {e.Message}");
        return ExitCode.InternalError;
    }
}
