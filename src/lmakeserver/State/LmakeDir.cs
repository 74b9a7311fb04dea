// The one owner of LMAKE/, the repo's admin directory: every path the server builds into it starts here (what
// lies inside an entry, e.g. store/'s files or a temp name, is named by the entry's writer, listed below). The
// client cannot see this project: the files through which it finds the server are spelled in
// Lmake.Common.Protocol.ServerFiles, which also names the directory itself (ServerFiles.DirName).
// A server is the only writer while it runs (LMAKE/server.lock); lmake_repair writes only when no server runs.
//
//   server             address and pid of the listening server (ServerAddress). Written by the server
//   server_key         (ServerFiles), key 0600; both written whole (ServerFiles.WriteAddress/WriteKey: a
//   NAME.<pid>.tmp     temp + rename); server removed at exit; a killed server leaves a stale address, whose
//                      pid a client checks, and maybe a temp file that nobody reads
//   server.lock        flock'd by the running server (ServerFiles): the kernel drops it with the process
//   server.log         the server's stdout and stderr, appended by the detached server; the client moves it to
//   server.log.old     server.log.old past 1 MiB (ServerConnector.RotateLog); text, for people only
//   store/             the graph: node_names, nodes, job_names, jobs, deps, targets (GraphStore; format and
//                      crash order at the head of GraphStore.cs): memory-mapped by the server, records written
//                      "invalidate, update, validate" so that a kill leaves it consistent (a torn job runs again)
//   store/seal         what a clean stop left in each store file (StoreSeal: size and xxh3 a file): checked at the
//                      next open, removed before the first write; none after a kill (then the page sums)
//   store/FILE.sums    the sum of each page of FILE as of the last checkpoint (PageSums, format at the head of
//                      src/store/PageSums.cs): checked at the open after an unclean stop, and by lmake_repair --check
//   store.broken/      the store lmake_repair set aside (StoreRepair), replaced at the next repair
//   job_infos          what each job's last run left (JobInfoLog; format at the head of JobInfoLog.cs),
//   job_infos.index    appended by the server's writer thread (JobInfoWriter) and lmake_repair: a torn tail is
//                      cut off and a stale index rebuilt at the next open
//   job_infos.compact  the log and index being compacted (JobInfoLog.OpenForWriting): renamed over the live
//   job_infos.index.compact ones, index first; a crash in between leaves stamps that differ: index rebuilt
//   job_infos.repair   the log while lmake_repair rewrites it (StoreRepair): put back by a repair run again
//   jobs/              the older layout of job infos (one JSON file per job id): taken into job_infos and
//                      removed when the log is opened for writing (JobInfoLog.TakeInOldLayout)
//   marks              lmark's marks, `KIND NAME` a line (Marks), written by the server, temp + rename
//   marks.tmp          (a crash leaves the old marks or the new ones)
//   makefiles.json     the rules and sources read from Lmakefile.py (Rules.Makefiles.ToJson), written by the
//   makefiles.json.tmp server after reading them (the engine's LoadMakefiles), temp + rename; unreadable: read again
//   config, rules,     what was understood of Lmakefile.py, for people (Rules.Makefiles.WriteSummaries), text,
//   manifest           written by the server after reading the Lmakefile, each temp (NAME.tmp.<pid>) + rename
//   outputs/DATE/TIME  a copy of what each lmake command printed (Transcript), text; a killed server
//                      leaves it cut short
//   last_output        symlink to the newest of outputs/ (Transcript), replaced through last_output.tmp
//   tmp/slot<N>        the $TMPDIR of jobs run in slot N (LocalBackend.TmpDir), emptied when first reused by
//                      a server (a killed server may leave files there)
//   tmp/<job id>       the $TMPDIR a job was asked to keep (-t, keep_tmp), made afresh when it runs so again;
//                      lshow -E shows it as the job's TMPDIR
//   namespace/root     the mount point on which a job with views builds its own root (a tmpfs, in the job's
//                      private mount namespace: the dir itself stays empty), made by LocalBackend
//   namespace/work/slot<N>/<I>  the work dir of overlay view I of the job run in slot N (overlayfs), remade
//                      empty before each such job (NamespacePlanner)
//   quarantine/NAME    a file lmake would have removed but which was edited by hand since its job left it
//                      (StaleOutputs.Quarantine: lmake, lcollect, lmake_repair): moved there, never deleted
//   debug/<job id>/    ldebug's script (written as script.tmp, renamed) and the tmp dir it runs in
//                      (Ldebug); the client runs the script (lmake/DebugScript.cs)
//   slurm/<slurm id>   what the job_exec of a job run by Slurm printed itself (its own errors: it could not
//                      connect back...), written by Slurm; removed when the job reported, kept when it was lost
// Nothing else is written there: a job's own accesses to LMAKE/ are not tracked (Contains), nor watched.
// Names LMAKE/codec:... are node names (codec associations, Engine/CodecNames.cs), never files.
using Lmake.Common.Protocol;

namespace Lmake.Server.State;

public sealed class LmakeDir
{
    /// <summary>The directory's name in the repo root.</summary>
    public const string Name = ServerFiles.DirName;

    public const string StoreFolder = "store";
    public const string OutputsFolder = "outputs";
    private const string JobInfosFile = "job_infos";

    public LmakeDir(string repoRoot)
    {
        RepoRoot = repoRoot;
        Dir = Path.Combine(repoRoot, Name);
    }

    public string RepoRoot { get; }
    /// <summary>REPO/LMAKE itself.</summary>
    public string Dir { get; }

    /// <summary>True for a repo-relative name under LMAKE/ (not LMAKE itself).</summary>
    public static bool Contains(string repoRelativeName) =>
        repoRelativeName.Length > Name.Length && repoRelativeName[Name.Length] == '/' && repoRelativeName.StartsWith(Name, StringComparison.Ordinal);

    public string Store => StoreIn(Dir);
    /// <summary>store/ of an admin dir given by path (GraphStore is opened on one).</summary>
    public static string StoreIn(string lmakeDir) => Path.Combine(lmakeDir, StoreFolder);
    public string BrokenStore => Store + ".broken";

    public string JobInfos => JobInfosIn(Dir);
    public string JobInfosIndex => JobInfosIndexIn(Dir);
    /// <summary>The log and index of an admin dir given by path (JobInfoLog is opened on one).</summary>
    public static string JobInfosIn(string lmakeDir) => Path.Combine(lmakeDir, JobInfosFile);
    public static string JobInfosIndexIn(string lmakeDir) => JobInfosIn(lmakeDir) + ".index";
    /// <summary>The temp name of a file being compacted (job_infos, job_infos.index).</summary>
    public static string Compacting(string path) => path + ".compact";
    public string JobInfosRepair => JobInfos + ".repair";
    public static string OldJobInfosIn(string lmakeDir) => Path.Combine(lmakeDir, "jobs");

    public string Marks => Path.Combine(Dir, "marks");

    public string SavedMakefiles => Path.Combine(Dir, "makefiles.json");

    public string ConfigSummary => Path.Combine(Dir, "config");
    public string RulesSummary => Path.Combine(Dir, "rules");
    public string Manifest => Path.Combine(Dir, "manifest");

    public string Outputs => Path.Combine(Dir, OutputsFolder);
    public string LastOutput => Path.Combine(Dir, "last_output");

    public string Tmp => Path.Combine(Dir, "tmp");
    /// <summary>The kept $TMPDIR of a job (tmp/ID).</summary>
    public string TmpOf(uint jobId) => Path.Combine(Tmp, jobId.ToString());
    /// <summary>The $TMPDIR of the jobs run in a slot of the local backend (tmp/slotN), reused.</summary>
    public string TmpSlot(int slot) => Path.Combine(Tmp, "slot" + slot);

    /// <summary>The mount point of the roots of jobs with views (namespace/root).</summary>
    public string NamespaceRoot => Path.Combine(Dir, "namespace", "root");
    /// <summary>Where the overlay work dirs of the job run in a slot are made (namespace/work/slotN).</summary>
    public string OverlayWorkOf(int slot) => Path.Combine(Dir, "namespace", "work", "slot" + slot);
    /// <summary>Where Slurm writes what the job_exec of a job prints itself (sbatch --output, %j: the Slurm job id).</summary>
    public string SlurmLogs => Path.Combine(Dir, "slurm");

    /// <summary>Where a file lmake would have removed goes (quarantine/NAME).</summary>
    public string QuarantineOf(string repoName) => Path.Combine(Dir, "quarantine", repoName);

    /// <summary>ldebug's directory for a job (debug/ID).</summary>
    public string DebugOf(uint jobId) => Path.Combine(Dir, "debug", jobId.ToString());
    /// <summary>The script ldebug writes for a job (debug/ID/script).</summary>
    public string DebugScriptOf(uint jobId) => Path.Combine(DebugOf(jobId), "script");
    /// <summary>The $TMPDIR of a job run by ldebug (debug/ID/tmp).</summary>
    public string DebugTmpOf(uint jobId) => Path.Combine(DebugOf(jobId), "tmp");
}
