// The files a job's dynamic attributes read (rules.md: for resources, cmd, environ... computed per job, "file
// accesses become deps"). The plan was computed from what they held then; before the job runs they are made like
// deps, and when one of them was not made yet (a generated file, made now) or holds another content than the plan
// saw, the attributes are computed again: `early_rerun` when the job had to wait for it, silently otherwise (a
// source edited since the plan was computed). A file the computation could not read (not built yet) is made the
// same way, and the computation that failed on it is done again.
using Lmake.Common.Checksums;

namespace Lmake.Server.Engine;

internal sealed class DynamicAttributeDeps(Maker maker, Graph graph, MakeRequest req)
{
    // a computation that reads another file each time it is done (a file naming the next) stops being redone here:
    // the job runs with the last plan, and the files it read are its deps like the others
    private const int MaxRounds = 10;

    /// <summary>Makes the files the job's plan read, computing the plan again while one of them was stale.</summary>
    public async Task Settle(Job job, int depth)
    {
        for (int round = 0; round < MaxRounds && job.Plan.DynamicReads.Count > 0; round++)
        {
            IReadOnlyList<string> reads = job.Plan.DynamicReads;
            FileChecksum[] seen = job.PlanReadsSeen;
            bool waited = false, stale = false;
            for (int i = 0; i < reads.Count; i++)
            {
                Node node = graph.Node(reads[i]);
                Task<NodeResult> making = maker.MakeNode(node, depth + 1);
                if (!making.IsCompleted) waited = true;
                await making;
                if (graph.Refresh(node) != seen[i]) stale = true;
            }
            if (!stale) return;
            if (waited) req.Status("early_rerun", job.Rule.Name, null, job.Name);
            graph.SetPlan(job, graph.Evaluator!.Plan(job.Match));
        }
    }
}
