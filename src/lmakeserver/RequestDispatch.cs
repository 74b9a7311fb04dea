// The server's request handler for the transport: serves the requests of one repo on the engine thread, lmake
// to the engine, the admin commands to Admin/. It sits above both (Admin uses the engine, the engine knows
// nothing of Admin), so that no folder of the server depends on another in a cycle.
using Lmake.Common;
using Lmake.Common.Commands;
using Lmake.Server.Admin;
using Lmake.Server.Engine;
using Lmake.Server.State;
using Lmake.Server.Transport;

namespace Lmake.Server;

public sealed class RequestDispatch : IRequestHandler, IServerStopper, IDisposable
{
    private readonly EngineLoop _loop = new();
    private readonly Engine.Engine _engine;

    public Action? StopServer { get; set; }

    public RequestDispatch(string repoRoot)
    {
        _engine = new Engine.Engine(repoRoot, InstallLayout.Current);
        // on the engine thread while the server publishes itself and its first client connects
        _loop.Run(() =>
        {
            try { _engine.Preload(); }
            catch (Exception e) when (e is not OutOfMemoryException) { }   // the first request meets it again and says it
            return Task.FromResult(0);
        });
    }

    public int Handle(ClientRequest request, IClientOutput output, CancellationToken cancelled)
    {
        try { return Serve(request, output, cancelled); }
        catch (Lmake.Store.StoreException e)
        {
            // a record of the store points nowhere: said once, and the server stops rather than build on it
            output.Err($"{request.Command}: {e.Message}");
            StopServer?.Invoke();
            return ExitCode.BadState;
        }
    }

    private int Serve(ClientRequest request, IClientOutput output, CancellationToken cancelled)
    {
        if (request.Command != "lmake")   // the admin commands (Admin/), on the engine thread too
            return AdminCommands.Serve(request, output, _loop,
                () => new AdminContext(_engine.Graph, _engine.Resolver, readOnly: false, _engine.LoadMakefiles));
        LmakeOptions options;
        try { options = LmakeCommandLine.Parse(request.Args); }
        catch (UsageException e)
        {
            output.Err($"lmake: {e.Message}");
            return ExitCode.Usage;
        }
        try
        {
            return EngineLoop.Wait(_loop.Run(async () =>
            {
                try { return await _engine.Make(request, options, output, cancelled); }
                finally { _engine.Checkpoint(); }   // on the engine thread, between two writes: a kill after it finds the store checkable
            }));
        }
        catch (IOException e) when (WriteRefused.IsNoSpace(e) || WriteRefused.IsReadOnly(e))
        {
            // a write of the server refused (the store could not grow, a file of LMAKE/ not be written): said in one
            // line, and the server stops rather than go on with a run half recorded (the next one starts from what
            // the store holds: every record in it is whole, see src/store/MappedFile.cs)
            output.Err(WriteRefused.Message("lmake", e));
            StopServer?.Invoke();
            return WriteRefused.ExitCodeOf(e);
        }
        catch (Exception e) when (e is not OutOfMemoryException and not Lmake.Store.StoreException)
        {
            output.Err($"lmake: internal error: {e.GetType().Name}: {e.Message}");
            return ExitCode.InternalError;
        }
    }

    /// <summary>At server exit: the store is synced to disk once (requests do not msync).</summary>
    public void Dispose()
    {
        EngineLoop.Wait(_loop.Run(() =>
        {
            try { _engine.ServerEnd(); }
            catch (Exception e) when (e is not OutOfMemoryException) { }   // a server that ends must end
            _engine.Flush();
            _engine.Seal();
            return Task.FromResult(0);
        }));
        JobInfos.Flush();   // the job infos still queued (State/JobInfoWriter)
        _loop.Dispose();
    }
}
