// What tells one repo's runs from others' in a cache (cache.md, repo_key): the key lmake.config.caches gives, else the
// repo's root and the commit it is at (git's HEAD, read from .git without running git). Of the runs of one job
// stored under one key, the cache keeps the first and the last: a repo moving fast does not fill it, and what a
// commit pushed needs is still there.
namespace Lmake.Server.Cache;

public static class RepoKey
{
    public static string Of(string repoRoot, string? configured) =>
        configured is { Length: > 0 } ? configured : $"{repoRoot}@{GitHead(repoRoot) ?? "no-commit"}";

    /// <summary>The commit HEAD names (following one symbolic ref, loose or packed), null when there is none.</summary>
    private static string? GitHead(string repoRoot)
    {
        string git = Path.Combine(repoRoot, ".git");
        try
        {
            if (File.Exists(git))   // a worktree or a submodule: "gitdir: PATH"
            {
                string line = File.ReadAllText(git).Trim();
                if (!line.StartsWith("gitdir:", StringComparison.Ordinal)) return null;
                git = Path.GetFullPath(line["gitdir:".Length..].Trim(), repoRoot);
            }
            string head = File.ReadAllText(Path.Combine(git, "HEAD")).Trim();
            if (!head.StartsWith("ref:", StringComparison.Ordinal)) return head;
            string reference = head["ref:".Length..].Trim();
            string loose = Path.Combine(git, reference);
            if (File.Exists(loose)) return File.ReadAllText(loose).Trim();
            string packed = Path.Combine(git, "packed-refs");
            if (!File.Exists(packed)) return null;
            foreach (string l in File.ReadLines(packed))
                if (l.EndsWith(" " + reference, StringComparison.Ordinal)) return l[..l.IndexOf(' ')];
            return null;
        }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
    }
}
