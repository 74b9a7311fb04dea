// What a running job holds of the local backend's pool. While the job waits for deps it asked to be made
// (ldepend -v), its share is lent back: a job blocked on its deps must not hold the slots they need to run
// (with -j1, or every cpu taken by such jobs, nothing could ever run again).
namespace Lmake.Server.Backends.Local;

public sealed class HeldResources : IDisposable
{
    private readonly CancellationToken _cancelled;
    private ResourceGrant _grant;   // disposed while lent (a grant gives back once however often disposed)

    public HeldResources(ResourceGrant grant, CancellationToken cancelled)
    {
        _grant = grant;
        _cancelled = cancelled;
    }

    /// <summary>Waits for <paramref name="wait"/> with the job's share given back, then takes the same share
    /// again (waiting its turn like any job) before the job goes on.</summary>
    public async Task WhileLent(Task wait)
    {
        _grant.Dispose();
        try { await wait; }
        finally { _grant = await _grant.Pool.Acquire(_grant.Demand, _grant.Limit, _cancelled, _grant.Pressure); }
    }

    public void Dispose() => _grant.Dispose();
}
