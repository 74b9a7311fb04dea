// The answers to the in-job commands of one running job (ldepend -v, lcheck_deps, lencode, ldecode): called on
// the job reactor thread, they hop to the engine thread to ask the engine (IJobHost), and report back.
using Lmake.Autodep;
using Lmake.Common;

namespace Lmake.Server.Backends;

public sealed class JobCommands : IJobCommandHandler
{
    private readonly IJobHost _host;
    private readonly SynchronizationContext _engine;
    private readonly string _repoRoot;
    private readonly Func<Task, Task> _whileWaiting;
    private readonly object _lock = new();
    private readonly HashSet<string> _codecTables = new(StringComparer.Ordinal);

    /// <param name="engine">The engine thread, where the host is called.</param>
    /// <param name="whileWaiting">What the job does with its resources while it waits for the deps it asked for
    /// (the local backend lends them back: a job blocked on its deps must not hold the slots they need).</param>
    public JobCommands(IJobHost host, SynchronizationContext engine, string repoRoot, Func<Task, Task> whileWaiting)
    {
        _host = host;
        _engine = engine;
        _repoRoot = repoRoot;
        _whileWaiting = whileWaiting;
    }

    /// <summary>lcheck_deps answered "not up to date": the job was stopped and must run again.</summary>
    public bool CheckDepsFailed { get; private set; }

    /// <summary>The codec tables the job encoded into or decoded from: deps of the job (it saw their entries).</summary>
    public IReadOnlyCollection<string> CodecTables
    {
        get { lock (_lock) return [.. _codecTables]; }
    }

    public Task<IReadOnlyList<DepVerdict>> VerifyDeps(TrackedJob job, IReadOnlyList<string> files) => VerifyDeps(files);

    public Task<bool> CheckDeps(TrackedJob job, IReadOnlyList<string> depsSoFar) => CheckDeps(depsSoFar, job.Kill);

    public Task<string> Encode(TrackedJob job, string table, string context, string value, int minLen) => Encode(table, context, value, minLen);

    public Task<string?> Decode(TrackedJob job, string table, string context, string code) => Decode(table, context, code);

    /// <summary>ldepend -v (of a job here or on a remote node).</summary>
    public Task<IReadOnlyList<DepVerdict>> VerifyDeps(IReadOnlyList<string> files) =>
        _engine.RunOn(() => _host.MakeDeps(files, _whileWaiting));

    /// <summary>Every dep seen so far must be settled in this request (made, or nothing to make): one that a
    /// job may still change means the job read a stale file, so it is stopped (<paramref name="stop"/>), the dep
    /// is made, and the job reruns.</summary>
    public Task<bool> CheckDeps(IReadOnlyList<string> depsSoFar, Action stop) =>
        _engine.RunOn(() =>
        {
            bool upToDate = _host.CheckDeps(depsSoFar);
            if (!upToDate)
            {
                CheckDepsFailed = true;
                stop();
            }
            return Task.FromResult(upToDate);
        });

    public Task<string> Encode(string table, string context, string value, int minLen)
    {
        Remember(table);
        return Task.Run(() => CodecTable.Encode(Path.Combine(_repoRoot, table), context, value, minLen));
    }

    public Task<string?> Decode(string table, string context, string code)
    {
        Remember(table);
        return Task.Run(() => CodecTable.Decode(Path.Combine(_repoRoot, table), context, code));
    }

    private void Remember(string table)
    {
        lock (_lock) _codecTables.Add(table);
    }
}
