// The engine as a running job sees it (IJobHost): what the job asks while it runs is made in the request that
// started the run, and its live stdout goes to that request's client. Called on the engine thread.
using Lmake.Autodep;
using Lmake.Server.Backends;

namespace Lmake.Server.Engine;

internal sealed class JobHost(Graph graph, Maker maker, Job job) : IJobHost
{
    private readonly MakeRequest _req = maker.Request;

    public JobCountLimit? JobLimit => _req.JobLimit;
    public bool KeepTmp => _req.Options.KeepTmp;
    public bool SourceOk => _req.Options.SourceOk;
    public bool RunsLocally => _req.Options.Local;
    public IReadOnlyList<string> BackendArgs => _req.Options.BackendArgs;
    public int Nice => _req.Options.Nice ?? graph.Makefiles!.Config.Nice;
    public DateTime EtaUtc => _req.EtaUtc(graph.Progress);

    /// <summary>lmake -o: may the job make one of the targets on the command line? (Of the rules that only may
    /// make a target, star or optional ones, each is tried in turn: each one's output is shown.)</summary>
    public bool ShowsStdout
    {
        get
        {
            if (_req.LiveOutTargets is not { } asked) return false;
            foreach (Node target in asked)
                if (target.Producer == job || (target.Candidates is { } candidates && Array.IndexOf(candidates, job) >= 0)) return true;
            return false;
        }
    }

    public void ShowStdoutLine(string line)
    {
        if (_req.Finished) return;   // the request this job ran for is over (a job shared with a later one)
        _req.Output.Out(StatusLine.StderrLine(line));
    }

    public void Warn(string line)
    {
        if (_req.Finished) return;
        _req.Output.Err(line);
    }

    public void PastQueue() => graph.Admission.PastQueue(job.Running);

    public void Started()
    {
        if (job.Running is { } running) running.Started = DateTime.Now;
        graph.Progress.Started(job);
    }

    public async Task<IReadOnlyList<DepVerdict>> MakeDeps(IReadOnlyList<string> files, Func<Task, Task> whileWaiting)
    {
        var nodes = files.Select(graph.Node).ToArray();
        Task<NodeResult[]> making = Task.WhenAll(nodes.Select(n => maker.MakeNode(n)));
        if (!making.IsCompleted)
        {
            // the job waits for a dep that was not ready: it says may_rerun when it ends, as for a dep found late
            if (job.Running is { } running) running.WaitedForDeps = true;
            // (a run that waits for deps holds no place at the gate the deps' jobs pass, whatever its backend said)
            graph.Admission.PastQueue(job.Running);
            await whileWaiting(making);
        }
        NodeResult[] made = await making;
        var verdicts = new DepVerdict[nodes.Length];
        for (int i = 0; i < nodes.Length; i++)
        {
            string checksum = graph.Refresh(nodes[i]).ToString();
            verdicts[i] = made[i].State switch
            {
                MakeState.Ok => new DepVerdict("ok", checksum),
                MakeState.Missing => new DepVerdict("missing", checksum),
                MakeState.Dangling => new DepVerdict("dangling", checksum),
                _ => new DepVerdict("error", checksum),
            };
        }
        return verdicts;
    }

    public bool CheckDeps(IReadOnlyList<string> depsSoFar)
    {
        bool settled = true;
        foreach (string name in depsSoFar)
        {
            Node node = graph.Node(name);
            if (maker.IsSettled(node)) continue;
            settled = false;
            _ = maker.MakeNode(node);   // start it now: the rerun will find it done or on its way
        }
        return settled;
    }

    public bool IsSource(string name) => maker.IsSource(name);

    public bool IsFileOnDisk(string name) => graph.IsFileOnDisk(name);

    public async Task<(string Code, string Entry)> Encode(string table, string context, string value, int minLen)
    {
        await ReadCodecTable(table);
        return graph.Codecs.Encode(table, context, value, minLen);
    }

    public async Task<(string? Value, string Entry)> Decode(string table, string context, string code)
    {
        await ReadCodecTable(table);
        return graph.Codecs.Decode(table, context, code);
    }

    /// <summary>A table file is made as a source is (new, changed), then read if it changed (reformat, expand).</summary>
    private async Task ReadCodecTable(string table)
    {
        if (!graph.Codecs.IsDir(table)) await maker.MakeNode(graph.Node(table));
        graph.Codecs.Sync(table, _req);
    }
}
