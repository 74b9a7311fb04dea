// Before a job runs, its targets go, so that what it leaves is only what it made this time: a file a job of lmake
// left is unlinked, one edited or written by hand is moved to LMAKE/quarantine/ (never lost, A4), incremental ones
// stay. Done by the request that starts the run, never by one that joins it.
using Lmake.Common.Checksums;
using Lmake.Server.Backends;
using Lmake.Server.Rules;
using Lmake.Server.State;

namespace Lmake.Server.Engine;

internal sealed class TargetClearing(Graph graph, MakeRequest req)
{
    /// <summary>Before a run its targets go (those its last run left, its static ones, and the files the rules
    /// resolved to it through a star target), so that what the job leaves is only what it made this time;
    /// incremental ones stay (unless -I), each with an inode of its own. What is lost is said: a file edited by
    /// hand since a job left it, or that no job left (written by hand), is moved to LMAKE/quarantine/ (A4), unless
    /// it is empty; one another job left, or an empty one no job left, is `unlinked` (unless no_warning); one found
    /// edited while frozen and not touched since (Node.HeldWhileFrozen) goes without a word. The folders emptied go, and the
    /// folders of the targets are made, so the job can write there. Returns the incremental targets kept.</summary>
    /// <param name="reason">Why the job runs: a hand edit quarantined because the job runs for another reason is said in the summary.</param>
    public List<string>? Clear(Job job, JobRun? lastRun, RunReason reason)
    {
        List<string>? kept = null;
        JobPlan plan = job.Plan;
        // a rerun in this loop: what the run before it left was never recorded, and is the job's own all the same
        HashSet<Node> leftByLastRun = lastRun == null ? [] : [.. lastRun.Targets.Select(graph.Node)];
        IEnumerable<Node> all = job.Targets.Concat(plan.Targets.Select(graph.Node)).Concat(leftByLastRun);
        if (job.WantedStarTargets != null) all = all.Concat(job.WantedStarTargets.Where(n => plan.IsStarTarget(n.Name, out _)));
        foreach (Node t in all.Distinct().ToList())
        {
            if (graph.IsSource(t.Name)) continue;   // a source written with source_ok is the user's, never cleared
            if (!graph.IsFileOnDisk(t.Name))
            {
                // a directory in the way, left by jobs of rules since changed
                foreach (string q in StaleOutputs.ClearDirectoryInTheWay(graph, t.Name))
                    req.Status("quarantined", job.Rule.Name, null, q);
                continue;
            }
            TargetFlags flags = PlanFlags.Of(plan, t.Name);
            bool incremental = (flags & TargetFlags.Incremental) != 0 && !req.Options.IgnoreIncremental;
            FileChecksum now = graph.Refresh(t);
            if (t.PollutedBy != null && t.PollutedBy != job && now == t.PollutedChecksum)
            {
                // another job wrote it without the right to: what it left has no value, its own job remakes it
                graph.Disk.Unlink(t.Name);
                t.PollutedBy = null;
                if (t.WrittenBy == job.Id) { t.WrittenBy = 0; t.WrittenChecksum = FileChecksum.None; }   // what it left is gone: not steady
                Graph.Invalidate(t);
                graph.Refresh(t);
                graph.Disk.RemoveEmptyParents(t.Name);
                continue;
            }
            bool ownUnrecorded = leftByLastRun.Contains(t);
            bool editedSince = !ownUnrecorded && t.WrittenBy != 0 && now != t.WrittenChecksum;
            if (incremental && !editedSince)
            {
                (kept ??= []).Add(t.Name);
                continue;
            }
            // (found edited while frozen and not touched since: content lmake took as the file's, replaced without a word)
            bool heldWhileFrozen = t.HeldWhileFrozen && now == t.WrittenChecksum;
            if (t.HeldWhileFrozen) { t.WrittenChecksum = FileChecksum.None; graph.Save(t); }   // the file goes either way
            if (editedSince || (t.WrittenBy == 0 && !ownUnrecorded && !now.IsEmpty && !heldWhileFrozen))
            {
                // content no job left: someone's work, kept where they can find it
                StaleOutputs.Quarantine(graph, t);
                // an edit of what a successful run left, swept by a run due for another reason (a dep changed), is told
                // in the summary (open-lmake's status lines say nothing of it); one that is the reason of the run, or
                // content no successful run vouched for (written where nothing was, over a failed run), is a status line
                if (editedSince && job.Status == JobStatus.Ok && reason.EditedTarget != t.Name) req.QuarantinedEdits.Add(t.Name);
                else req.Status("quarantined", job.Rule.Name, null, t.Name);
            }
            else
            {
                graph.Disk.Unlink(t.Name);
                // the output of another job that may still make it (a rule of lower prio): its job remakes it if
                // needed, said; a job of rules since gone or no longer applying (its dep left) had no claim left
                // (an empty file no job left is said too: lmake removed a file it did not know)
                if (!ownUnrecorded && !heldWhileFrozen && (flags & TargetFlags.NoWarning) == 0 && (t.WrittenBy == 0
                    || t.WrittenBy != job.Id && (t.Producer?.Id == t.WrittenBy || t.Candidates?.Any(c => c.Id == t.WrittenBy) == true)))
                    req.Status("unlinked", job.Rule.Name, null, t.Name);
            }
            Graph.Invalidate(t);
            graph.Refresh(t);
            graph.Disk.RemoveEmptyParents(t.Name);
        }
        if (kept != null) graph.Disk.Uniquify(kept);
        foreach (string t in plan.Targets)
        {
            int slash = t.LastIndexOf('/');
            if (slash > 0 && !Path.IsPathRooted(t)) graph.Disk.CreateDirectory(t[..slash]);
        }
        foreach (TargetPattern p in plan.StarTargets) graph.Disk.CreateDirectory(p.FixedDir);
        return kept;
    }
}
