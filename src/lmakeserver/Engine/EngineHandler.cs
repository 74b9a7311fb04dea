// Entry point of the engine for the transport: serves the requests of one repo on the engine thread.
using Lmake.Common;
using Lmake.Common.Commands;
using Lmake.Server.Transport;

namespace Lmake.Server.Engine;

public sealed class EngineHandler : IRequestHandler, IDisposable
{
    private readonly EngineLoop _loop = new();
    private readonly Engine _engine;

    public EngineHandler(string repoRoot) => _engine = new Engine(repoRoot, InstallLayout.Current);

    public int Handle(ClientRequest request, IClientOutput output, CancellationToken cancelled)
    {
        if (request.Command != "lmake")
        {
            output.Err($"{request.Command}: not implemented in this version of lmake-cs");
            return ExitCode.InternalError;
        }
        LmakeOptions options;
        try { options = LmakeCommandLine.Parse(request.Args); }
        catch (UsageException e)
        {
            output.Err($"lmake: {e.Message}");
            return ExitCode.Usage;
        }
        try { return EngineLoop.Wait(_loop.Run(() => _engine.Make(request, options, output, cancelled))); }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            output.Err($"lmake: internal error: {e.GetType().Name}: {e.Message}");
            return ExitCode.InternalError;
        }
    }

    /// <summary>At server exit: the store is synced to disk once (requests do not msync).</summary>
    public void Dispose()
    {
        EngineLoop.Wait(_loop.Run(() => { _engine.Flush(); return Task.FromResult(0); }));
        _loop.Dispose();
    }
}
