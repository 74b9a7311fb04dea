// The $TMPDIR a rule names in its environ (environ, environ_resources...): the job's tmp dir is then a
// sub-dir of it, unique to the running job (several jobs, of this repo or others, may name the same dir),
// empty at the start and removed at the end. An empty value means no tmp dir at all. Unless
// lmake.config.link_support is 'full_ext', the dir named may not go through a symbolic link (the shim then
// follows links only inside the repo, and a link from the tmp dir into the repo would hide writes).
using Lmake.Server.Rules;

namespace Lmake.Server.Backends.Local;

public static class UserTmpDir
{
    /// <summary>What the rule says of $TMPDIR: null when it says nothing (lmake's own tmp dir is used), "" for
    /// no tmp dir, else the dir the job's tmp dir goes in (absolute, relative names are relative to the repo).</summary>
    public static string? Named(JobPlan plan, string repoRoot, IReadOnlyDictionary<string, string> keys)
    {
        if (!plan.Environ.TryGetValue("TMPDIR", out string? value)) return null;
        // a bare `...`: the server's $TMPDIR, if it has one
        string? v = value == null ? Environment.GetEnvironmentVariable("TMPDIR") : EnvironKeys.Substitute(value, keys);
        if (v == null) return null;
        return v.Length == 0 ? "" : Path.GetFullPath(v, repoRoot);
    }

    /// <summary>Why the job cannot use dir as its tmp parent (null: it can).</summary>
    public static string? Refusal(string dir, Config config)
    {
        if (config.LinkSupport == "full_ext") return null;
        string? link = FirstLink(dir);
        return link == null ? null
            : $"$TMPDIR {dir} goes through the symbolic link {link} (allowed with lmake.config.link_support = 'full_ext')";
    }

    /// <summary>The job's own dir inside parent: named after the server's process and the job's slot, which no
    /// job running at the same time on this host shares.</summary>
    public static string JobDir(string parent, int smallId) => Path.Combine(parent, $"lmake_{Environment.ProcessId}_{smallId}");

    /// <summary>The first component of an absolute dir name that is a symbolic link, or null.</summary>
    private static string? FirstLink(string dir)
    {
        string current = "/";
        foreach (string part in dir.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            current = Path.Combine(current, part);
            try
            {
                if (new FileInfo(current).LinkTarget != null) return current;
            }
            catch (IOException) { return null; }
            catch (UnauthorizedAccessException) { return null; }
        }
        return null;
    }
}
