// The engine's answers to the in-job commands of one running job (ldepend -v, lcheck_deps, lencode,
// ldecode): called on the job reactor thread, they hop to the engine thread to make deps, and report back.
using Lmake.Autodep;

namespace Lmake.Server.Engine;

public sealed class EngineJobCommands : IJobCommandHandler
{
    private readonly Graph _graph;
    private readonly Maker _maker;
    private readonly EngineLoop _engine;
    private readonly object _lock = new();
    private readonly HashSet<string> _codecTables = new(StringComparer.Ordinal);

    private readonly HeldResources _held;

    /// <param name="maker">The request that started the job: deps the job asks for are made in it.</param>
    /// <param name="held">The job's resources: lent back while it waits for the deps it asked for.</param>
    public EngineJobCommands(Graph graph, Maker maker, EngineLoop engine, HeldResources held)
    {
        _graph = graph;
        _maker = maker;
        _engine = engine;
        _held = held;
    }

    /// <summary>lcheck_deps answered "not up to date": the job was stopped and must run again.</summary>
    public bool CheckDepsFailed { get; private set; }

    /// <summary>The codec tables the job encoded into or decoded from: deps of the job (it saw their entries).</summary>
    public IReadOnlyCollection<string> CodecTables
    {
        get { lock (_lock) return [.. _codecTables]; }
    }

    public Task<IReadOnlyList<DepVerdict>> VerifyDeps(TrackedJob job, IReadOnlyList<string> files) =>
        _engine.Run<IReadOnlyList<DepVerdict>>(async () =>
        {
            var nodes = files.Select(_graph.Node).ToArray();
            Task<NodeResult[]> making = Task.WhenAll(nodes.Select(n => _maker.MakeNode(n)));
            NodeResult[] made = making.IsCompleted ? await making : await _held.WhileLent(() => making);
            var verdicts = new DepVerdict[nodes.Length];
            for (int i = 0; i < nodes.Length; i++)
            {
                string checksum = _graph.Refresh(nodes[i]).ToString();
                verdicts[i] = made[i].State switch
                {
                    MakeState.Ok => new DepVerdict("ok", checksum),
                    MakeState.Missing => new DepVerdict("missing", checksum),
                    MakeState.Dangling => new DepVerdict("dangling", checksum),
                    _ => new DepVerdict("error", checksum),
                };
            }
            return verdicts;
        });

    /// <summary>Every dep seen so far must be settled in this request (made, or nothing to make): one that a
    /// job may still change means the job read a stale file, so it is stopped, the dep is made, and the job
    /// reruns.</summary>
    public Task<bool> CheckDeps(TrackedJob job, IReadOnlyList<string> depsSoFar) =>
        _engine.Run(() =>
        {
            bool upToDate = true;
            foreach (string name in depsSoFar)
            {
                Node node = _graph.Node(name);
                if (!_maker.IsSettled(node))
                {
                    upToDate = false;
                    _ = _maker.MakeNode(node);   // start it now: the rerun will find it done or on its way
                }
            }
            if (!upToDate)
            {
                CheckDepsFailed = true;
                job.Kill();
            }
            return Task.FromResult(upToDate);
        });

    public Task<string> Encode(TrackedJob job, string table, string context, string value, int minLen)
    {
        Remember(table);
        return Task.Run(() => CodecTable.Encode(Path.Combine(_graph.RepoRoot, table), context, value, minLen));
    }

    public Task<string?> Decode(TrackedJob job, string table, string context, string code)
    {
        Remember(table);
        return Task.Run(() => CodecTable.Decode(Path.Combine(_graph.RepoRoot, table), context, code));
    }

    private void Remember(string table)
    {
        lock (_lock) _codecTables.Add(table);
    }
}
