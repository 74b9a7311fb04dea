// Entry point of the engine for the transport: serves lmake requests for one repo.
using Lmake.Server.Transport;

namespace Lmake.Server.Engine;

public sealed class EngineHandler : IRequestHandler
{
    private readonly string _repoRoot;

    public EngineHandler(string repoRoot) => _repoRoot = repoRoot;

    public int Handle(ClientRequest request, IClientOutput output, CancellationToken cancelled)
    {
        output.Err($"{request.Command}: the engine has not landed in this version of lmake-cs (repo {_repoRoot})");
        return Lmake.Common.ExitCode.InternalError;
    }
}
