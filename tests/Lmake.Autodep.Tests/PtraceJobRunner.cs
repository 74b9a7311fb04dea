// What the ptrace and entry-point tests share: running a command as a tracked job (the engine's way, with
// the installed shim) and printing its accesses as lautodep does (`KINDS NAME`, '!' for a missing file).
using System.Text;

namespace Lmake.Autodep.Tests;

public static class PtraceJobRunner
{
    private static readonly (AccessKind Kind, char Letter)[] Letters =
    [
        (AccessKind.Read, 'R'), (AccessKind.Stat, 'S'), (AccessKind.Readlink, 'L'), (AccessKind.ReadDir, 'D'),
        (AccessKind.Exec, 'X'), (AccessKind.Write, 'W'), (AccessKind.Unlink, 'U'), (AccessKind.Mkdir, 'M'),
    ];

    public static JobOutcome Run(string repo, string[] argv, AutodepMethod method, TimeSpan? timeout = null,
        string? cwd = null, IReadOnlyList<string>? sourceDirs = null)
    {
        TrackedJob.ShimPath = InstalledTree.Shim;
        var spec = new JobSpec
        {
            Argv = argv,
            Cwd = cwd ?? repo,
            RepoRoot = repo,
            SourceDirs = sourceDirs ?? [],
            Environment = new Dictionary<string, string> { ["PATH"] = "/usr/bin:/bin", ["HOME"] = repo, ["LC_ALL"] = "C" },
            Method = method,
            Timeout = timeout,
        };
        return TrackedJob.Start(spec).Completion.WaitAsync(TimeSpan.FromSeconds(60)).GetAwaiter().GetResult();
    }

    /// <summary>One `KINDS NAME` per access, in first-access order, joined with '|'.</summary>
    public static string Listing(IEnumerable<Access> accesses, Func<string, bool>? keep = null)
    {
        var lines = new List<string>();
        foreach (var a in accesses)
        {
            if (keep is not null && !keep(a.Name)) continue;
            var sb = new StringBuilder();
            foreach (var (kind, letter) in Letters) if ((a.Kinds & kind) != 0) sb.Append(letter);
            if ((a.Kinds & Access.ReadKinds) != 0 && !a.ExistedAtFirstRead) sb.Append('!');
            lines.Add(sb.Append(' ').Append(a.Name).ToString());
        }
        return string.Join('|', lines);
    }

    public static string Describe(JobOutcome o) =>
        $"exit {o.ExitCode}\n--- stdout\n{o.Stdout}--- stderr\n{o.Stderr}--- accesses\n{Listing(o.Accesses).Replace('|', '\n')}";
}
