// `lmakeserver --read-only`: serves one admin request on stdin/stdout (frames, no hello: the pipes belong
// to the client that started it) for a repo where nothing may be written: the store is opened read-only,
// Lmakefile.py is read again if needed but not saved, and the commands that would write are refused.
using Lmake.Common;
using Lmake.Common.Commands;
using Lmake.Common.Protocol;
using Lmake.Server.Engine;
using Lmake.Server.Rules;
using Lmake.Server.State;
using Lmake.Server.Transport;

namespace Lmake.Server.Admin;

public static class ReadOnlyServer
{
    public static int Run(string repoRoot)
    {
        using Stream stdin = Console.OpenStandardInput();
        Frame? frame = new FrameReader(stdin).Read();
        if (frame is null) return ExitCode.Ok;
        RequestMessage m = RequestMessage.Decode(frame.Value);
        using var gone = new CancellationTokenSource();
        const int Stdout = 1;
        var output = new FramedClientOutput(Stdout, gone);
        int code;
        try { code = Serve(repoRoot, m, output); }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            output.Err($"{m.Command}: internal error: {e.GetType().Name}: {e.Message}");
            code = ExitCode.InternalError;
        }
        output.Finish(code);
        return ExitCode.Ok;
    }

    private static int Serve(string repoRoot, RequestMessage m, IClientOutput output)
    {
        AdminOptions options;
        try { options = AdminCommandLines.Parse(m.Command, m.Args); }
        catch (UsageException e)
        {
            output.Err(e.Message);
            return ExitCode.Usage;
        }
        var lmakeDir = new LmakeDir(repoRoot);
        if (!Directory.Exists(lmakeDir.Store))
        {
            output.Err($"{m.Command}: {repoRoot} was never built (no {lmakeDir.Store}) and is read-only");
            return ExitCode.BadState;
        }
        GraphStore store;
        try { store = new GraphStore(lmakeDir.Dir, writable: false); }
        catch (Lmake.Store.StoreException e)
        {
            output.Err($"{m.Command}: {e.Message}");
            return ExitCode.BadState;
        }
        using (store)
        {
            var graph = new Graph(repoRoot, store);
            var ctx = new AdminContext(graph, new Resolver(graph), readOnly: true, o => LoadMakefiles(graph, o));
            var request = new ClientRequest(m.Command, m.Args, m.Cwd, m.RepoRoot, m.Environ, m.StdoutIsTerminal);
            try { return AdminCommands.Run(ctx, request, options, output); }
            finally { graph.Evaluator?.Dispose(); }
        }
    }

    /// <summary>The rules an earlier server saved, or Lmakefile.py read again when they are stale (not saved).</summary>
    private static void LoadMakefiles(Graph graph, IClientOutput output)
    {
        if (graph.Makefiles != null) return;
        string saved = new LmakeDir(graph.RepoRoot).SavedMakefiles;
        Makefiles? makefiles = null;
        if (File.Exists(saved))
        {
            try { makefiles = Makefiles.FromJson(File.ReadAllText(saved)); }
            catch (LmakefileException) { makefiles = null; }
        }
        if (makefiles == null || makefiles.IsStale(graph.RepoRoot))
        {
            output.Err("read Lmakefile.py (read-only repo: what it says is not saved)");
            makefiles = Makefiles.Read(graph.RepoRoot, AdminContext.Layout);
        }
        graph.SetMakefiles(makefiles, new RuleEvaluator(makefiles, AdminContext.Layout, graph.RepoRoot));
    }
}
