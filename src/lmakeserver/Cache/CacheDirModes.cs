// The rights of what is made in a cache dir (cache.md, "Permissions"): every user of the cache must be able to read,
// add and take away runs, so what the lmake servers and lcache_server make there takes the rights of the cache's root
// dir whatever their umask: a dir the same bits as the root (with its setgid bit, so the group follows too), a file
// those bits without execute and setgid. A root of 2775 gives 2775 dirs and 664 files to every user of the team.
namespace Lmake.Server.Cache;

public static class CacheDirModes
{
    private const UnixFileMode Rights = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
        | UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;
    private const UnixFileMode Execute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;

    /// <summary>The rights of a dir made in the cache rooted at <paramref name="root"/>.</summary>
    public static UnixFileMode DirMode(string root) => File.GetUnixFileMode(root) & (Rights | UnixFileMode.SetGroup);

    /// <summary>Makes <paramref name="dir"/> (below <paramref name="root"/>) and the dirs missing above it, each with
    /// the root's rights.</summary>
    public static void CreateDirectory(string root, string dir)
    {
        string relative = Path.GetRelativePath(root, dir);
        if (relative == "." || relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative))
        {
            Directory.CreateDirectory(dir);
            return;
        }
        UnixFileMode mode = DirMode(root);
        string at = root;
        foreach (string part in relative.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            at = Path.Combine(at, part);
            if (Directory.Exists(at)) continue;
            Directory.CreateDirectory(at);
            File.SetUnixFileMode(at, mode);
        }
    }

    /// <summary>Gives a file just written in the cache the rights the root gives files.</summary>
    public static void SetFileMode(string root, string file) =>
        File.SetUnixFileMode(file, DirMode(root) & Rights & ~Execute);
}
