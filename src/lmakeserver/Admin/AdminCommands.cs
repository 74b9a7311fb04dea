// Serves the admin commands (spec C) in the server: parses the forwarded args, then runs the command on the
// engine thread (EngineLoop), between the steps of any build in progress: a query sees the live state and
// never waits for running jobs. Errors a user can cause end with one message and a documented exit code.
using Lmake.Common;
using Lmake.Common.Commands;
using Lmake.Server.Engine;
using Lmake.Server.Rules;
using Lmake.Server.State;
using Lmake.Server.Transport;

namespace Lmake.Server.Admin;

public static class AdminCommands
{
    public static int Serve(ClientRequest request, IClientOutput output, EngineLoop loop, Func<AdminContext> context)
    {
        string command = request.Command;
        if (command == "lmake_repair")
        {
            // the client came here because this server runs: both would write the store
            output.Err($"lmake_repair: a server runs for {request.RepoRoot}: wait for the lmake commands of this repo to end, then retry");
            return ExitCode.BadState;
        }
        if (!CommandCatalog.AdminCommands.ContainsKey(command))
        {
            output.Err($"{command}: not a command of lmake");
            return ExitCode.Usage;
        }
        AdminOptions options;
        try { options = AdminCommandLines.Parse(command, request.Args); }
        catch (UsageException e)
        {
            output.Err(e.Message);
            return ExitCode.Usage;
        }
        try { return loop.Run(() => Task.FromResult(Run(context(), request, options, output))).GetAwaiter().GetResult(); }
        catch (Exception e) when (e is not OutOfMemoryException and not Lmake.Store.StoreException)   // damage: said by the caller
        {
            output.Err($"{command}: internal error: {e.GetType().Name}: {e.Message}");
            return ExitCode.InternalError;
        }
    }

    /// <summary>Runs one admin command; on the engine thread (or the only thread of a read-only server).</summary>
    public static int Run(AdminContext ctx, ClientRequest request, AdminOptions o, IClientOutput output)
    {
        try
        {
            if (ctx.ReadOnly && Writes(o))
            {
                output.Err($"{o.Command}: the repo is read-only (and no server runs): {Describe(o)} would write in {ctx.LmakeDir.Dir}");
                return ExitCode.Permission;
            }
            if (o.Command == "lmark" && o.MarkAction is 'l' or 'c') return Lmark.Run(ctx, request, o, output);
            ctx.LoadMakefiles(output);
            return o.Command switch
            {
                "lshow" => Lshow.Run(ctx, request, o, output),
                "lforget" => Lforget.Run(ctx, request, o, output),
                "lmark" => Lmark.Run(ctx, request, o, output),
                "ldebug" => Ldebug.Run(ctx, request, o, output),
                "lcollect" => Lcollect.Run(ctx, request, o, output),
                _ => throw new UsageException($"{o.Command}: not a command of lmake"),
            };
        }
        catch (UsageException e)
        {
            output.Err(e.Message.StartsWith(o.Command, StringComparison.Ordinal) ? e.Message : $"{o.Command}: {e.Message}");
            return ExitCode.Usage;
        }
        catch (LmakefileException e)
        {
            output.Err(e.Message);
            return e.ExitCode;
        }
        catch (RuleEvaluationException e)
        {
            output.Err($"{o.Command}: {e.Message}");
            return ExitCode.BuildFailed;
        }
        catch (UnauthorizedAccessException e)
        {
            output.Err($"{o.Command}: {e.Message}");
            return ExitCode.Permission;
        }
        catch (IOException e)
        {
            output.Err($"{o.Command}: {e.Message}");
            return ExitCode.InternalError;
        }
    }

    private static bool Writes(AdminOptions o) => o.Command switch
    {
        "lforget" => true,
        "lmark" => o.MarkAction != 'l',
        "ldebug" => true,
        "lcollect" => !o.DryRun,
        _ => false,
    };

    private static string Describe(AdminOptions o) => o.Command + (o.Command == "lmark" ? $" -{o.MarkAction}" : "");
}
