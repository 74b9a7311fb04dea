// check_abs_paths (rules.md): a target that holds the repo's own absolute path would be wrong anywhere else (another
// repo served from the cache, a moved repo): with the attribute set, finding that path in a target fails the job.
using System.Text;

namespace Lmake.Server.Backends;

public static class AbsolutePathCheck
{
    /// <summary>The run, failed when one of its targets (a file's content, a symlink's text) holds
    /// <paramref name="repoRoot"/>; as it was otherwise.</summary>
    public static JobRun Apply(JobRun run, string repoRoot)
    {
        if (!run.Ok) return run;
        byte[] needle = Encoding.UTF8.GetBytes(repoRoot.TrimEnd('/'));
        foreach (string target in run.Targets)
        {
            if (!Holds(Path.Combine(repoRoot, target), needle)) continue;
            var notes = new List<string>(run.Notes) { $"absolute path of the repo found in target : {target}" };
            return run with { Ok = false, FailReason = $"absolute path of the repo in {target}", Notes = notes };
        }
        return run;
    }

    private static bool Holds(string path, byte[] needle)
    {
        try
        {
            var info = new FileInfo(path);
            if (info.LinkTarget is string link) return Encoding.UTF8.GetBytes(link).AsSpan().IndexOf(needle) >= 0;
            if (!info.Exists) return false;
            return File.ReadAllBytes(path).AsSpan().IndexOf(needle) >= 0;
        }
        catch (IOException) { return false; }
        catch (UnauthorizedAccessException) { return false; }
    }
}
