// What to run and how to track it: the input of TrackedJob.Start.
namespace Lmake.Autodep;

/// <summary>How accesses are observed. A Lmakefile's 'ld_audit' maps to LdPreload (not implemented apart).</summary>
public enum AutodepMethod { None, LdPreload, Ptrace }

public sealed class JobSpec
{
    /// <summary>The command, e.g. ["/bin/bash","-c",script]; a name without '/' is searched along the
    /// PATH of <see cref="Environment"/>.</summary>
    public required string[] Argv { get; init; }
    /// <summary>Absolute.</summary>
    public required string Cwd { get; init; }
    /// <summary>The job's whole environment (the shim adds its own entries).</summary>
    public required IReadOnlyDictionary<string, string> Environment { get; init; }
    /// <summary>Absolute, no trailing '/'.</summary>
    public required string RepoRoot { get; init; }
    /// <summary>Absolute dirs (ending '/') outside the repo whose accesses count.</summary>
    public IReadOnlyList<string> SourceDirs { get; init; } = [];
    public AutodepMethod Method { get; init; } = AutodepMethod.LdPreload;
    /// <summary>The rule's auto_mkdir: a chdir of the job to a dir of the repo that does not exist makes it
    /// (ld_preload: the shim's chdir; ptrace: the tracer, before the syscall runs).</summary>
    public bool AutoMkdir { get; init; }
    /// <summary>lmake.config.link_support = 'full_ext': symlinks outside the repo are followed too, as one (in
    /// $TMPDIR, say) may lead into the repo; otherwise only those inside the repo and the source dirs are.</summary>
    public bool FollowExternalLinks { get; init; }
    /// <summary>null: /dev/null.</summary>
    public string? StdinPath { get; init; }
    /// <summary>null: captured in JobOutcome.Stdout.</summary>
    public string? StdoutPath { get; init; }
    /// <summary>Called on the tracking thread with each piece of the job's stdout as it comes (a copy, cut
    /// anywhere, not at line ends), for `lmake -o`. With a <see cref="StdoutPath"/>, the stdout still goes
    /// to that file (written by the tracker, not by the job, so that it is seen too).</summary>
    public Action<byte[]>? LiveStdout { get; init; }

    /// <summary>The job's fd 1 is the file itself (no pipe, no copy).</summary>
    internal bool StdoutIsFile => StdoutPath is not null && LiveStdout is null;
    public TimeSpan? Timeout { get; init; }
    /// <summary>Sent in turn to the job's process group, <see cref="TrackedJob.KillGrace"/> apart.</summary>
    public IReadOnlyList<int> KillSignals { get; init; } = [15, 9];
    /// <summary>lmake.config.nice or lmake -N: the nice value of the job's processes (0: as lmake's).</summary>
    public int Nice { get; init; }
    /// <summary>The private mount namespace the job runs in (repo_view, tmp_view, views...); null: none, the job
    /// sees the native file system. <see cref="Cwd"/> stays a native dir (where the helper starts).</summary>
    public JobNamespace? Namespace { get; init; }
    /// <summary>Answers the job's in-job commands that need more than its accesses (ldepend -v, lcheck_deps,
    /// lencode, ldecode); null: StandaloneJobCommands (from the disk, no build).</summary>
    public IJobCommandHandler? CommandHandler { get; init; }

    /// <summary>lmake.config.codecs: the codec table (repo-relative, or absolute outside the repo) a table name
    /// without '/' given to lencode/ldecode stands for.</summary>
    public IReadOnlyDictionary<string, string> CodecTables { get; init; } = new Dictionary<string, string>();
}
