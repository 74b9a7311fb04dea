// Intermediate files deleted or edited by hand (A4, lmake -a): without -a such a file is not remade while nothing
// needs its content. A dependent checking whether it is up to date needs only the file's state, which its job vouches
// for when that job is up to date but for those targets (open-lmake's "up-to-date, therefore no check": a job whose
// deps did not change is not run again for a hand edit of the file another job reads); the file is remade once a job
// that reads it must run (glossary.md: a job gets its deps' official content), the edit then quarantined.
using Lmake.Common.Checksums;
using Lmake.Server.State;

namespace Lmake.Server.Engine;

internal sealed class Intermediates(Maker maker, Graph graph, Resolver resolver, MakeRequest req)
{
    // this request's intermediates that are up to date but not on disk as their job left them (deleted or edited by
    // hand), and the results of the state-only checks
    private readonly HashSet<Node> _absent = [];
    private readonly Dictionary<Node, Task<NodeResult>> _stateMade = [];
    private readonly Dictionary<Job, Task<bool>> _upToDateButTargets = [];
    // jobs of this request that ran fine and left a target now gone or edited: asked once per job, not once per target
    // (a star job's targets are each a dep to check); forgotten when the job runs again (Ran)
    private readonly Dictionary<Job, bool> _lostATarget = [];

    /// <summary>Makes a dep of a job that is checking whether it must run: only the dep's state is needed. An
    /// intermediate deleted or edited by hand is then left as it is when its job is otherwise up to date (unless -a).</summary>
    public Task<NodeResult> MakeDep(Node node, int depth)
    {
        if (req.Options.Archive || req.TryGetMade(node, out Task<NodeResult>? made) || !MayBeAbsent(node)) return maker.MakeNode(node, depth);
        if (!_stateMade.TryGetValue(node, out made)) _stateMade[node] = made = MakeStateOnly(node, depth);
        return made;
    }

    /// <summary>What a dependent compares with what it saw: the content the job left, for an intermediate left as it is.</summary>
    public FileChecksum Current(Node node) => _absent.Contains(node) ? node.WrittenChecksum : graph.Refresh(node);

    /// <summary>The job ran again in this request: whether it lost a target is to be asked anew.</summary>
    public void Ran(Job job) => _lostATarget.Remove(job);

    /// <summary>A file whose producer (its first candidate) made it, ran fine and left a target that is now gone or not what it left.</summary>
    private bool MayBeAbsent(Node node)
    {
        resolver.Resolve(node);
        // (one another job wrote without the right to is no hand edit: its own job makes it again, MarkPolluted)
        if (node.Kind != NodeKind.Generated || node.Multi != null || node.PollutedBy != null) return false;
        Job job = node.Producer!;
        // (one of several candidates, a star target: when the first one is what made it)
        if (node.Candidates != null && node.WrittenBy != job.Id) return false;
        if (job.Status != JobStatus.Ok) return false;
        if (!_lostATarget.TryGetValue(job, out bool lost))
            _lostATarget[job] = lost = job.Targets.Any(t => t.WrittenBy == job.Id && t.WrittenChecksum.IsFile && graph.Refresh(t) != t.WrittenChecksum);
        return lost && !graph.Marks.IsFrozen(node.Name);
    }

    private async Task<NodeResult> MakeStateOnly(Node node, int depth)
    {
        Job job = node.Producer!;
        if (!await UpToDateButTargets(job, depth)) return await maker.MakeNode(node, depth);
        FileChecksum now = graph.Refresh(node);
        if (!now.IsFile || (node.WrittenBy == job.Id && now != node.WrittenChecksum)) _absent.Add(node);
        return new NodeResult(MakeState.Ok, false, null);
    }

    /// <summary>The job needs no run but for targets deleted or edited since: its deps are settled and unchanged.</summary>
    private Task<bool> UpToDateButTargets(Job job, int depth)
    {
        if (!_upToDateButTargets.TryGetValue(job, out Task<bool>? known))
            _upToDateButTargets[job] = known = CheckUpToDateButTargets(job, depth);
        return known;
    }

    private async Task<bool> CheckUpToDateButTargets(Job job, int depth) =>
        (await maker.UpToDate.Check(job, depth + 1, stateOnly: true)).IsUpToDate;

    /// <summary>The job must run: the intermediates left as they are that it reads are remade first. Returns the first one that
    /// could not be, or null.</summary>
    public async Task<ErrorChain?> MaterializeDeps(Job job, int depth)
    {
        if (_absent.Count == 0) return null;
        var needed = new List<Node>();
        foreach (Node n in maker.StaticNodes(job)) if (_absent.Contains(n) && !needed.Contains(n)) needed.Add(n);
        foreach (DepRecord d in job.Deps)
            if (graph.NodeById(d.NodeId) is var n && _absent.Contains(n) && !needed.Contains(n)) needed.Add(n);
        foreach (Node n in needed) _absent.Remove(n);
        NodeResult[] made = await Task.WhenAll(needed.Select(n => maker.MakeNode(n, depth)));
        for (int i = 0; i < needed.Count; i++)
            if (made[i].State != MakeState.Ok) return made[i].Why ?? ErrorChain.Leaf("", needed[i].Name);
        return null;
    }
}
