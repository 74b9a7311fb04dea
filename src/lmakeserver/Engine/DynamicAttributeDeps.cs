// The files a job's dynamic attributes read (rules.md: for resources, cmd, environ... computed per job, "file
// accesses become deps"). The plan was computed from what they held then; before the job runs they are made like
// deps, and when one of them was not made yet (a generated file, made now) or holds another content than the plan
// saw, the attributes are computed again. The job says `early_rerun` (execution.md: a dep discovered while
// computing its attributes was not up to date) when it had to wait for such a file, and, for a file read by an
// attribute computed when the job starts (cmd, environ...), when this request had not checked that file yet: the
// job was about to start on a file not known to be up to date. A source edited since the plan was computed,
// already checked in this request, computes the attributes again silently. A file the computation could not read
// (not built yet) is made the same way, and the computation that failed on it is done again.
// A job that looks in a cache first does not say early_rerun here: the cache may hold a run whose deps are these
// files (a hit after they were made is a hit_rerun); the job says it only if it misses and runs (JobRunLoop).
using Lmake.Common.Checksums;
using Lmake.Server.Rules;

namespace Lmake.Server.Engine;

internal sealed class DynamicAttributeDeps(Maker maker, Graph graph, MakeRequest req)
{
    // a computation that reads another file each time it is done (a file naming the next) stops being redone here:
    // the job runs with the last plan, and the files it read are its deps like the others
    private const int MaxRounds = 10;

    /// <summary>Makes the files the job's plan read, computing the plan again while one of them was stale. With
    /// <paramref name="deferEarlyRerun"/>, early_rerun is not said but returned (true: it is owed).</summary>
    public async Task<bool> Settle(Job job, int depth, bool deferEarlyRerun)
    {
        // (a plan made natively reads no file: nothing to settle, and no plan to make before the job's turn to run)
        if (job.Rule.PlansNatively) return false;
        bool owed = false;
        bool told = false;   // early_rerun said once per reason to compute again, not once per file
        for (int round = 0; round < MaxRounds && job.Plan.DynamicReads.Count > 0; round++)
        {
            JobPlan plan = job.Plan;
            IReadOnlyList<string> reads = plan.DynamicReads;
            FileChecksum[] seen = job.PlanReadsSeen;
            bool waited = false, stale = false, uncheckedAtStart = false;
            for (int i = 0; i < reads.Count; i++)
            {
                // read by environ_ancillary alone: not managed, so neither made nor a reason to compute again
                if (plan.ReadKind(i) == DynamicReadKind.Ancillary) continue;
                Node node = graph.Node(reads[i]);
                if ((plan.ReadKind(i) & DynamicReadKind.AtSubmit) == 0 && !req.TryGetMade(node, out _)) uncheckedAtStart = true;
                Task<NodeResult> making = maker.MakeNode(node, depth + 1);
                if (!making.IsCompleted) waited = true;
                await making;
                if (graph.Refresh(node) != seen[i]) stale = true;
            }
            if ((waited || uncheckedAtStart) && !told)
            {
                if (deferEarlyRerun) owed = true;
                else req.Status("early_rerun", job.Rule.Name, null, job.Name);
                told = true;
            }
            if (!stale) return owed;
            if (waited) told = false;   // built now: the next round's files may have to wait again
            graph.SetPlan(job, graph.Evaluator!.Plan(job.Match));
        }
        return owed;
    }
}
