// What a node is in one request (A3, A4): a source (new, changed, missing), a file a job makes (made through that
// job, or the first of its candidate jobs that wrote it), a file nothing makes (fine when absent, dangling when
// there, removed when left by a job the rules no longer have), frozen by lmark, or in error (multi, too deep).
using Lmake.Common.Checksums;

namespace Lmake.Server.Engine;

internal sealed class NodeMaking(Maker maker, Graph graph, Resolver resolver, MakeRequest req)
{
    public Task<NodeResult> Make(Node node, int depth)
    {
        if (graph.Marks.IsFrozen(node.Name)) return Task.FromResult(MakeFrozen(node));
        return QuickNode(node, depth) ?? DoMakeNode(node, depth);
    }

    /// <summary>The synchronous path: a node whose state is known without waiting for any job (a source,
    /// a file nothing makes, a target of an up-to-date job) is decided here, with no async machinery:
    /// it is the whole of a no-op build. null: not decidable at once, the async path takes over.</summary>
    private Task<NodeResult>? QuickNode(Node node, int depth)
    {
        var config = graph.Makefiles!.Config;
        // (a codec association's name is no path: path_max does not bound it)
        if (!node.IsCodec && (node.Name.Length > config.PathMax || depth > config.MaxDepDepth)) return null;
        resolver.Resolve(node, depth);
        if (node.Multi != null || node.TooDeep) return null;
        switch (node.Kind)
        {
            case NodeKind.Source:
                return NodeResults.Completed(MakeSource(node));
            case NodeKind.CodecEntry:
                return MakeCodecEntry(node, depth) is { IsCompleted: true } entry ? entry : null;
            case NodeKind.Generated when node.Candidates == null:
            {
                Task<NodeResult> job = maker.MakeJob(node.Producer!, depth + 1);
                // a job still being made: its result is the node's (a job's making ends Ok with no error to say, or in
                // error), and it looks at its targets again as it ends (Maker.TargetsSeenAgain), as the node would
                // have. No making of the node's own waits for it: a full build has every job waiting at once, and
                // such a making cost 224 bytes a target (issue 18).
                if (!job.IsCompleted) return job;
                if (!job.IsCompletedSuccessfully || job.Result.State != MakeState.Ok) return null;
                graph.Refresh(node);
                return NodeResults.Ok(job.Result.Worked);
            }
            case NodeKind.Generated:
            {
                bool worked = false;
                foreach (Job candidate in node.Candidates)
                {
                    Task<NodeResult> job = maker.MakeJob(candidate, depth + 1);
                    if (!job.IsCompletedSuccessfully || job.Result.State != MakeState.Ok) return null;
                    worked |= job.Result.Worked;
                    if (candidate.Wrote(node))
                    {
                        graph.Refresh(node);
                        return NodeResults.Ok(worked);
                    }
                }
                return null;   // none made it: the async path says why
            }
            default:
                if (UphillJob(node, depth) is { IsCompleted: false }) return null;
                return NodeResults.Completed(MakeUnbuildable(node));
        }
    }

    /// <summary>Below a file some job makes, nothing can be (data_model.md, Uphill), but whether that file is a
    /// file or a symbolic link to a dir is only known once made: it is made first (its result does not matter).</summary>
    private Task<NodeResult>? UphillJob(Node node, int depth)
    {
        if (node.Uphill is not string dir) return null;
        Node up = graph.Node(dir);
        return up.Kind == NodeKind.Generated ? maker.MakeNode(up, depth + 1) : null;
    }

    private async Task<NodeResult> DoMakeNode(Node node, int depth)
    {
        var config = graph.Makefiles!.Config;
        resolver.Resolve(node, depth);
        if (!node.IsCodec && (node.Name.Length > config.PathMax || depth > config.MaxDepDepth || node.TooDeep))
        {
            // no rule may make it now: a file a job left there before (under a larger path_max) must go
            if (node.WrittenBy != 0 && graph.IsFileOnDisk(node.Name))
            {
                string writer = node.WrittenBy <= graph.Store.JobCount ? Job.SplitKey(graph.Store.JobKey(node.WrittenBy)).Rule : "src";
                // (its job, once the name is short enough again, sees its target gone and reruns)
                if (StaleOutputs.Remove(graph, node) is string done) req.Status(done, writer, null, node.Name);
            }
            return new NodeResult(MakeState.Error, false, ErrorChain.Leaf("infinite", node.Name,
                node.Name.Length > config.PathMax ? $"name longer than path_max ({config.PathMax})" : $"dep depth above max_dep_depth ({config.MaxDepDepth})"));
        }
        resolver.Resolve(node, depth);
        if (node.Multi != null)
        {
            req.Status("multi", "src", null, node.Name);
            req.Note($"made by several rules of the same prio : {node.Multi}");
            return new NodeResult(MakeState.Error, false, ErrorChain.Leaf("multi", node.Name, $"made by {node.Multi}"));
        }
        switch (node.Kind)
        {
            case NodeKind.Source:
                return MakeSource(node);
            case NodeKind.CodecEntry:
                return await MakeCodecEntry(node, depth);
            case NodeKind.Generated when node.Candidates != null:
                return await MakeCandidates(node, node.Candidates, depth);
            case NodeKind.Generated:
            {
                NodeResult jr = await maker.MakeJob(node.Producer!, depth + 1);
                graph.Refresh(node);
                if (jr.State == MakeState.Error) return jr;
                return new NodeResult(MakeState.Ok, jr.Worked, null);
            }
            default:
                if (UphillJob(node, depth) is Task<NodeResult> uphill) await uphill;
                return MakeUnbuildable(node);
        }
    }

    /// <summary>Jobs that may make the node (star or optional targets), tried in order (A3): the first that
    /// wrote it makes it; one that ran and did not passes to the next; when none did, nothing makes it.</summary>
    private async Task<NodeResult> MakeCandidates(Node node, Job[] candidates, int depth)
    {
        bool worked = false;
        var passed = new List<string>();
        foreach (Job job in candidates)
        {
            NodeResult jr = await maker.MakeJob(job, depth + 1);
            worked |= jr.Worked;
            if (jr.State == MakeState.Error) { graph.Refresh(node); return jr; }
            if (job.Wrote(node)) { graph.Refresh(node); return new NodeResult(MakeState.Ok, worked, null); }
            passed.Add($"rule {job.Rule.Name} does not produce it");
        }
        NodeResult none = MakeUnbuildable(node);
        return none.State == MakeState.Missing
            ? new NodeResult(MakeState.Missing, worked, ErrorChain.Leaf("", node.Name, string.Join('\n', passed)))
            : none with { Worked = worked };
    }

    /// <summary>An association of a codec table (CodecNames): its table file is made first, as any source (new,
    /// changed...), and read again if it changed (reformat, expand); the association is then what the table holds.
    /// One that is not there is missing (a job that decoded it failed, and reruns when it appears).</summary>
    private async Task<NodeResult> MakeCodecEntry(Node node, int depth)
    {
        if (!CodecNames.TryParse(node.Name, out CodecEntryName entry)) return NodeResults.MissingIdle.Result;
        if (!graph.Codecs.IsDir(entry.Table)) await maker.MakeNode(graph.Node(entry.Table), depth + 1);
        graph.Codecs.Sync(entry.Table, req);
        return graph.Refresh(node).Exists ? NodeResults.OkIdle.Result : NodeResults.MissingIdle.Result;
    }

    /// <summary>A file nothing makes: fine when absent (a dep on it means "must not exist"), dangling when there.</summary>
    private NodeResult MakeUnbuildable(Node node)
    {
        FileChecksum sum = graph.Refresh(node);
        if (!sum.IsFile) return NodeResults.MissingIdle.Result;
        if (node.PollutedBy is Job polluter && sum == node.PollutedChecksum)
        {
            // a job wrote it without the right to, and nothing makes it: its official state is to not exist
            graph.Disk.Unlink(node.Name);
            node.PollutedBy = null;
            Graph.Invalidate(node);
            graph.Refresh(node);
            req.Status("unlink", polluter.Rule.Name, null, node.Name);
            return NodeResults.MissingIdle.Result;
        }
        if (node.WrittenBy != 0 && WriterIsGone(node, out string writerRule))
        {
            // left by a job the rules no longer have (A4): removed, or quarantined if edited by hand since
            string? done = StaleOutputs.Remove(graph, node);
            if (done != null) req.Status(done, writerRule, null, node.Name);
            return NodeResults.MissingIdle.Result;
        }
        return new NodeResult(MakeState.Dangling, false, ErrorChain.Leaf("dangling", node.Name, $"consider : git add {node.Name}"));
    }

    /// <summary>The job that wrote the file is not one the current rules can have (its rule was removed, or its
    /// targets or stems changed). A job that still exists keeps what it wrote, side targets and ltarget's included.</summary>
    private bool WriterIsGone(Node node, out string writerRule)
    {
        writerRule = "src";
        if (node.WrittenBy > graph.Store.JobCount) return false;
        string key = graph.Store.JobKey(node.WrittenBy);
        if (!key.Contains('/')) return false;
        (writerRule, string jobName) = Job.SplitKey(key);
        string ruleName = writerRule;
        Rules.Rule? rule = graph.Makefiles!.Rules.FirstOrDefault(r => r.Name == ruleName);
        return rule == null || rule.IsSpecial || !rule.CanHaveJob(jobName);
    }

    /// <summary>lmark -f: a file a job made is not made again, what is there stands (said each time it is needed:
    /// frozen, changed_frozen when it is not what its job left); a file no job made is a source (lmark(1)).</summary>
    private NodeResult MakeFrozen(Node node)
    {
        req.MarksInUse.Add($"frozen : {node.Name}");
        if (node.WrittenBy == 0 && !node.HeldWhileFrozen) return MakeSource(node, listed: true);
        FileChecksum now = graph.Refresh(node);
        string rule;
        if (node.WrittenBy == 0)
        {
            resolver.Resolve(node, 0);
            rule = node.Producer?.Rule.Name ?? "src";
        }
        else rule = node.WrittenBy <= graph.Store.JobCount ? Job.SplitKey(graph.Store.JobKey(node.WrittenBy)).Rule : "src";
        bool changed = now != node.WrittenChecksum;
        req.Status(changed ? "changed_frozen" : "frozen", rule, null, node.Name);
        if (changed && now.IsFile)
        {
            // frozen, its targets act as sources (lmark(1)): the content found is the file's from now on, said once
            node.WrittenBy = 0;
            node.WrittenChecksum = now;
            graph.Save(node);
        }
        return new NodeResult(now.IsFile ? MakeState.Ok : MakeState.Missing, false, null);
    }

    private NodeResult MakeSource(Node node) => MakeSource(node, graph.Sources.Contains(node.Name));

    /// <param name="listed">the file must exist (a source the manifest lists, a frozen file): missing is said</param>
    private NodeResult MakeSource(Node node, bool listed)
    {
        bool known = node.Known;
        FileChecksum before = node.Checksum;
        long beforeDate = node.Date;
        FileChecksum now = graph.Refresh(node);
        req.SourcesSeenFirst.TryAdd(node, now);
        if (!now.IsFile)
        {
            if (listed && (!known || before.IsFile)) req.Status("missing", "src", null, node.Name);
            return NodeResults.MissingIdle.Result;
        }
        // (a source outside the repo, in a source dir such as '/' or '../x/', is said the same way)
        if (!known || !before.IsFile) req.Status("new", "src", null, node.Name);   // (none there before: new too)
        else if (before != now) req.Status("changed", "src", null, node.Name);
        else if (node.Date != beforeDate) req.Status("steady", "src", null, node.Name);   // touched, same content
        return NodeResults.OkIdle.Result;
    }
}
