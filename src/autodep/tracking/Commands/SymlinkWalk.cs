// Resolves a name given to ldepend as the kernel would open it: component by component, each symlink
// followed (its text relative to the directory holding it), '..' after a link going up from the link's
// target. The links crossed are reported, as the shim reports them for the job's own reads.
namespace Lmake.Autodep;

internal static class SymlinkWalk
{
    private const int MaxLinks = 40;  // the kernel's limit (ELOOP)

    /// <summary>The absolute, link-free name that path stands for (path itself, normalized, on a loop).
    /// onLink gets the absolute name of each symlink crossed, in order.</summary>
    public static string Resolve(string path, Action<string> onLink)
    {
        var pending = new Stack<string>();
        PushComponents(pending, path);
        string current = "/";
        int links = 0;
        while (pending.TryPop(out string? component))
        {
            if (component is "" or ".") continue;
            if (component == "..") { current = Path.GetDirectoryName(current) ?? "/"; continue; }
            string next = current == "/" ? "/" + component : current + "/" + component;
            string? target = LinkTarget(next);
            if (target is null) { current = next; continue; }
            onLink(next);
            if (++links > MaxLinks) return Path.GetFullPath(path);
            if (target.StartsWith('/')) current = "/";
            PushComponents(pending, target);
        }
        return current;
    }

    private static void PushComponents(Stack<string> pending, string path)
    {
        string[] parts = path.Split('/');
        for (int i = parts.Length - 1; i >= 0; i--) pending.Push(parts[i]);
    }

    private static string? LinkTarget(string path)
    {
        try { return new FileInfo(path).LinkTarget; }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
    }
}
