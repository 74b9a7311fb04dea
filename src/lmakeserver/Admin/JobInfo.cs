// What lmake keeps of a job's last run beyond the store's record (in LMAKE/job_infos, see JobInfoLog): why it
// ran, when, what it cost, how it ended, what it printed, and its deps and targets with their checksums, so
// that `lshow -i -o -e` can answer and `lmake_repair` can rebuild the store from these records after a crash.
using System.Text.Json;
using System.Text.Json.Serialization;
using Lmake.Server.Engine;

namespace Lmake.Server.Admin;

public sealed class JobInfo
{
    public string Key { get; set; } = "";
    public string Rule { get; set; } = "";
    public string Name { get; set; } = "";
    public string Reason { get; set; } = "";
    /// <summary>ok, failed or dep_error (as the store's record says after this run).</summary>
    public string Status { get; set; } = "";
    public int ExitCode { get; set; }
    public DateTime Start { get; set; }
    public DateTime End { get; set; }
    public double ExecSeconds { get; set; }
    public double CpuSeconds { get; set; }
    public long MaxRssBytes { get; set; }
    public string TmpDir { get; set; } = "";
    public bool TmpKept { get; set; }
    public Dictionary<string, string> Resources { get; set; } = [];
    public string Backend { get; set; } = "local";
    public string Host { get; set; } = "";
    public string Stdout { get; set; } = "";
    public string Stderr { get; set; } = "";
    /// <summary>The rule's command signature it ran with (Rule.SignatureHash), for lmake_repair.</summary>
    public ulong Signature { get; set; }
    public List<JobInfoFile> Deps { get; set; } = [];
    public List<JobInfoFile> Targets { get; set; } = [];
}

/// <summary>A dep (with the checksum the job saw) or a target (with the checksum the job left).</summary>
public sealed class JobInfoFile
{
    public string Name { get; set; } = "";
    public bool Static { get; set; }
    public string Checksum { get; set; } = "";
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(JobInfo))]
internal sealed partial class JobInfoJsonContext : JsonSerializerContext { }

public static class JobInfos
{
    /// <summary>Queues the info for the writer thread: writing costs the engine thread up to milliseconds per
    /// job on a loaded machine (measured: 600 trivial jobs took 2.1 s without the records, 5.2 s with them
    /// written inline), far above what a job may cost it.</summary>
    public static void Write(string repoRoot, uint jobId, JobInfo info) => JobInfoWriter.Instance.Enqueue(AdminDir(repoRoot), jobId, info);

    /// <summary>Waits until every queued info is on disk (at server exit).</summary>
    public static void Flush() => JobInfoWriter.Instance.Flush();

    /// <summary>The info of a job's last run (queued or on disk), or null when it never ran (or its record is unreadable).</summary>
    public static JobInfo? Read(string repoRoot, uint jobId) =>
        JobInfoWriter.Instance.Pending(AdminDir(repoRoot), jobId) ?? JobInfoLog.ReadOne(AdminDir(repoRoot), jobId);

    private static string AdminDir(string repoRoot) => Path.Combine(repoRoot, "LMAKE");

    /// <summary>What the engine knows of a job right after it ran (called where the store's record is written).</summary>
    public static JobInfo Of(Job job, string? reason, Backends.JobRunFacts? facts, Func<Node, Lmake.Common.Checksums.FileChecksum> checksumOf)
    {
        var info = new JobInfo
        {
            Key = job.Key,
            Rule = job.Rule.Name,
            Name = job.Name,
            Reason = reason ?? "",
            Status = StatusWord(job.Status),
            Signature = job.RanWithSignature,
            Stderr = job.Stderr,
            ExecSeconds = job.ExecTime.TotalSeconds,
            End = job.EndDate,
            Resources = new Dictionary<string, string>(job.Plan.Resources),
            Backend = job.Plan.Backend,
            Deps = job.Deps.Select(d => new JobInfoFile { Name = d.Node.Name, Static = d.IsStatic, Checksum = d.Seen.ToString() }).ToList(),
            Targets = job.Targets.Select(t => new JobInfoFile
                { Name = t.Name, Static = job.Plan.Targets.Contains(t.Name), Checksum = checksumOf(t).ToString() }).ToList(),
        };
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

    public static string StatusWord(JobStatus s) => s switch
    {
        JobStatus.Ok => "ok",
        JobStatus.Failed => "failed",
        JobStatus.DepError => "dep_error",
        _ => "never",
    };
}
