// The record of a job's last run (State/JobInfo) built from what the engine knows of the job right after it
// ran: the engine side of the job-info log, which itself knows nothing of jobs.
using Lmake.Common.Checksums;
using Lmake.Server.Backends;
using Lmake.Server.State;

namespace Lmake.Server.Engine;

public static class JobInfoOf
{
    /// <summary>What the engine knows of a job right after it ran (called where the store's record is written).</summary>
    /// <param name="reason">Why it ran.</param>
    /// <param name="facts">What its backend saw of the run (null: it did not run).</param>
    public static JobInfo Build(Graph graph, Job job, string reason, JobRunFacts? facts, Func<Node, FileChecksum> checksumOf)
    {
        var info = new JobInfo
        {
            Key = job.Key,
            Rule = job.Rule.Name,
            Name = job.Name,
            Reason = reason,
            Status = JobInfos.StatusWord(job.Status),
            Signature = job.RanWithSignature,
            Stderr = job.Stderr,
            ExecSeconds = job.ExecTime.TotalSeconds,
            End = job.EndDate,
            Resources = new Dictionary<string, string>(job.Plan.Resources),
            Backend = job.Plan.Backend,
            Deps = new List<JobInfoFile>(job.Deps.Length),
            Targets = job.Targets.Select(t => new JobInfoFile
                { Name = t.Name, Static = job.Plan.Targets.Contains(t.Name), Checksum = checksumOf(t).ToString() }).ToList(),
        };
        // (a loop, not a Select over the dep records: LINQ over a value type brings its own iterator classes, issue 18)
        foreach (DepRecord d in job.Deps)
            info.Deps.Add(new JobInfoFile { Name = graph.NodeById(d.NodeId).Name, Static = d.IsStatic, Checksum = d.Seen.ToString() });
        if (facts != null)
        {
            info.ExitCode = facts.ExitCode;
            info.Start = facts.Start;
            info.End = facts.End;
            info.CpuSeconds = facts.Cpu.TotalSeconds;
            info.MaxRssBytes = facts.MaxRssBytes;
            info.TmpDir = facts.TmpDir;
            info.TmpKept = facts.TmpKept;
            info.Host = facts.Host;
            info.Stdout = facts.Stdout;
        }
        return info;
    }
}
