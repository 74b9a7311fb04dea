// The source dirs outside the repo, as a job's tracker sees them and as the engine names them. The tracker knows
// files by absolute path; the engine names a file under an absolute source dir by that path, and one under a
// relative source dir (`../srcs/`) by the name the Lmakefile gave it (`../srcs/x`), which its rules' deps use.
using Lmake.Autodep;

namespace Lmake.Server.Backends;

public sealed class OutsideSourceDirs
{
    // (absolute prefix, ending in '/'; the prefix of the engine's name for files under it)
    private readonly (string Absolute, string Named)[] _relative;

    public static readonly OutsideSourceDirs None = new([], "/");

    /// <param name="sourceDirs">The Lmakefile's source dirs, ending in '/', absolute or relative to the repo.</param>
    public OutsideSourceDirs(IEnumerable<string> sourceDirs, string repoRoot)
    {
        var absolute = new List<string>();
        var relative = new List<(string, string)>();
        foreach (string dir in sourceDirs)
        {
            if (Path.IsPathRooted(dir)) { absolute.Add(dir); continue; }
            if (!dir.StartsWith("../", StringComparison.Ordinal)) continue;   // inside the repo: repo-relative names already
            string full = Path.GetFullPath(Path.Combine(repoRoot, dir)).TrimEnd('/') + "/";
            absolute.Add(full);
            relative.Add((full, dir));
        }
        ForTracker = [.. absolute];
        _relative = [.. relative];
    }

    /// <summary>Every outside source dir by absolute path: the files the tracker reports under them are deps.</summary>
    public string[] ForTracker { get; }

    /// <summary>The engine's name of a file the tracker reported (unchanged unless under a relative source dir).</summary>
    public string NameOf(string reported)
    {
        foreach (var (abs, named) in _relative)
            if (reported.StartsWith(abs, StringComparison.Ordinal)) return named + reported[abs.Length..];
        return reported;
    }

    /// <summary>The outcome with each access under a relative source dir named as the engine names it.</summary>
    public JobOutcome Rename(JobOutcome outcome)
    {
        if (_relative.Length == 0) return outcome;
        bool any = false;
        var accesses = new List<Access>(outcome.Accesses.Count);
        foreach (Access a in outcome.Accesses)
        {
            string name = a.Name.Length > 0 && a.Name[0] == '/' ? NameOf(a.Name) : a.Name;
            any |= !ReferenceEquals(name, a.Name);
            accesses.Add(name == a.Name ? a : a with { Name = name });
        }
        return any ? outcome with { Accesses = accesses } : outcome;
    }
}
