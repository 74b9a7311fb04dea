// The answers to the in-job commands of one running job (ldepend -v, lcheck_deps, lencode, ldecode): called on
// the job reactor thread, they hop to the engine thread to ask the engine (IJobHost), and report back.
using Lmake.Autodep;
using Lmake.Common;

namespace Lmake.Server.Backends;

public sealed class JobCommands : IJobCommandHandler
{
    private readonly IJobHost _host;
    private readonly SynchronizationContext _engine;
    private readonly Func<Task, Task> _whileWaiting;
    private readonly object _lock = new();
    private readonly List<string> _codecEntries = [];

    /// <param name="engine">The engine thread, where the host is called.</param>
    /// <param name="whileWaiting">What the job does with its resources while it waits for the deps it asked for
    /// (the local backend lends them back: a job blocked on its deps must not hold the slots they need).</param>
    public JobCommands(IJobHost host, SynchronizationContext engine, Func<Task, Task> whileWaiting)
    {
        _host = host;
        _engine = engine;
        _whileWaiting = whileWaiting;
    }

    /// <summary>lcheck_deps answered "not up to date": the job was stopped and must run again.</summary>
    public bool CheckDepsFailed { get; private set; }

    /// <summary>The codec associations the job encoded or decoded (CodecNames), in the order it asked: deps of the
    /// job, each alone (not the whole table): the job reruns only when one of them changes.</summary>
    public IReadOnlyList<string> CodecEntries
    {
        get { lock (_lock) return [.. _codecEntries]; }
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

    /// <summary>lencode (of a job here or on a remote node).</summary>
    public async Task<string> Encode(string table, string context, string value, int minLen)
    {
        if (CodecCodes.BadContext(context) is string bad) throw new ArgumentException(bad);
        var (code, entry) = await _engine.RunOn(() => _host.Encode(table, context, value, minLen));
        Remember(entry);
        return code;
    }

    /// <summary>ldecode (of a job here or on a remote node).</summary>
    public async Task<string?> Decode(string table, string context, string code)
    {
        if (CodecCodes.BadContext(context) is string bad) throw new ArgumentException(bad);
        if (CodecCodes.BadCode(code) is string badCode) throw new ArgumentException(badCode);
        var (value, entry) = await _engine.RunOn(() => _host.Decode(table, context, code));
        Remember(entry);
        return value;
    }

    private void Remember(string entry)
    {
        lock (_lock) if (!_codecEntries.Contains(entry)) _codecEntries.Add(entry);
    }
}
