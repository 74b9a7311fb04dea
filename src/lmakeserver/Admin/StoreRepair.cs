// `lmakeserver --repair` (lmake_repair): after a crash or a corrupt store, rebuild LMAKE/store from what is
// on disk and the job records (LMAKE/job_infos, written after every run: JobInfoLog). The old store is kept aside
// (LMAKE/store.broken). A job is restored when every target it left is on disk with the content it left:
// then the next lmake does not run it again. A target whose content differs (edited by hand, or half
// written) is never deleted: it goes to LMAKE/quarantine/ and its job will run again. Tells what it did.
using Lmake.Common;
using Lmake.Common.Checksums;
using Lmake.Common.Protocol;
using Lmake.Server.Engine;
using Lmake.Server.State;

namespace Lmake.Server.Admin;

public static class StoreRepair
{
    public static int Run(string repoRoot, TextWriter output)
    {
        var files = new ServerFiles(repoRoot);
        if (!Directory.Exists(files.AdminDir))
        {
            output.WriteLine($"lmake_repair: nothing to repair: {files.AdminDir} does not exist");
            return ExitCode.Ok;
        }
        using FileLock? serverLock = FileLock.TryAcquire(files.LockFile);
        if (serverLock == null)
        {
            Console.Error.WriteLine($"lmake_repair: a server runs for {repoRoot}: wait for the lmake commands of this repo to end, then retry");
            return ExitCode.BadState;
        }
        var dir = new LmakeDir(repoRoot);
        string lmakeDir = dir.Dir;
        string storeDir = dir.Store, broken = dir.BrokenStore;
        string logPath = dir.JobInfos, oldLog = dir.JobInfosRepair;

        // 1. the job records, before anything moves (a repair interrupted here can simply be run again)
        if (File.Exists(oldLog) && !File.Exists(logPath)) File.Move(oldLog, logPath);
        // takes in records of the older layout; not compacted: the log is rewritten below anyway
        using (JobInfoLog.OpenForWriting(lmakeDir, compactAbove: long.MaxValue)) { }
        // the latest record of a job (in the order written), and of the jobs writing a file the latest, win
        // (a loop, not LINQ over the log's records: they are value types, and each such operator brings its own iterator
        // classes into the executable, issue 18)
        var latest = new List<JobInfo>();
        var at = new Dictionary<string, int>(StringComparer.Ordinal);   // key -> its place in latest: where it first came
        foreach (var record in JobInfoLog.Scan(logPath))
        {
            JobInfo info = record.Info;
            if (info.Key.Length == 0) continue;
            if (at.TryGetValue(info.Key, out int k)) latest[k] = info;
            else { at[info.Key] = latest.Count; latest.Add(info); }
        }
        List<JobInfo> infos = latest.OrderBy(i => i.End).ToList();

        // 2. the old store aside, a fresh one in its place
        if (Directory.Exists(broken)) Directory.Delete(broken, recursive: true);
        if (Directory.Exists(storeDir))
        {
            Directory.Move(storeDir, broken);
            output.WriteLine($"moved the old store to {Path.GetRelativePath(repoRoot, broken)}");
        }
        File.Move(logPath, oldLog, overwrite: true);
        File.Delete(dir.JobInfosIndex);

        int restored = 0, rerun = 0, quarantined = 0;
        using (var store = new GraphStore(lmakeDir))
        using (JobInfoLog log = JobInfoLog.OpenForWriting(lmakeDir))
        {
            var records = new List<(uint, JobInfo)>();
            var graph = new Graph(repoRoot, store);
            var owner = new Dictionary<string, JobInfo>(StringComparer.Ordinal);
            foreach (JobInfo info in infos)
                foreach (JobInfoFile t in info.Targets) owner[t.Name] = info;
            foreach (JobInfo info in infos)
            {
                bool intact = info.Status != "never";
                foreach (JobInfoFile t in info.Targets)
                {
                    if (owner[t.Name] != info) { intact = false; continue; }   // a later job wrote it: that one decides
                    Node node = graph.Node(t.Name);
                    FileChecksum now = graph.DiskChecksum(node);
                    if (FileChecksum.TryParse(t.Checksum, out FileChecksum left) && now == left) continue;
                    intact = false;
                    if (now.IsFile)
                    {
                        StaleOutputs.Quarantine(graph, node);
                        output.WriteLine($"quarantined {t.Name}");
                        quarantined++;
                    }
                }
                if (!intact)
                {
                    rerun++;
                    continue;
                }
                records.Add((Restore(graph, store, info), info));
                restored++;
            }
            store.Flush();
            log.Append(records);
        }
        File.Delete(oldLog);
        output.WriteLine($"restored {restored} job{(restored == 1 ? "" : "s")} from their records, {rerun} will run again, {quarantined} file{(quarantined == 1 ? "" : "s")} quarantined");
        output.WriteLine("sources are checked again by the next lmake (they may show as new)");
        return ExitCode.Ok;
    }

    /// <summary>Puts the job back in the store as its record says it ran; returns its id in the new store.</summary>
    private static uint Restore(Graph graph, GraphStore store, JobInfo info)
    {
        var job = new Job(store.JobId(info.Key), Job.SplitKey(info.Key).Name, null!, null)
        {
            Status = info.Status switch { "ok" => JobStatus.Ok, "dep_error" => JobStatus.DepError, _ => JobStatus.Failed },
            RanWithSignature = info.Signature,
            ExecTime = TimeSpan.FromSeconds(info.ExecSeconds),
            EndDate = info.End,
        };
        job.Deps = new DepRecord[info.Deps.Count];
        for (int i = 0; i < job.Deps.Length; i++)
        {
            JobInfoFile d = info.Deps[i];
            job.Deps[i] = new DepRecord(graph.Node(d.Name), d.Static, FileChecksum.TryParse(d.Checksum, out FileChecksum seen) ? seen : FileChecksum.None);
        }
        job.Targets = new Node[info.Targets.Count];
        for (int i = 0; i < job.Targets.Length; i++)
        {
            Node node = job.Targets[i] = graph.Node(info.Targets[i].Name);
            node.WrittenBy = job.Id;
            node.WrittenChecksum = graph.Refresh(node);
            graph.Save(node);
        }
        graph.Save(job);
        return job.Id;
    }
}
