// What a job looked at of one of its deps (ldepend(1): "access pattern"): the content of a regular file (Reg),
// the text of a symlink (Lnk), whether it exists and of which kind (Stat). A dep named by ldepend without a read
// has none of them: a change of it reruns nothing, only its errors matter. Deciding whether a dep changed for
// its job compares the two checksums through what the job looked at (a readlink does not see a file appear).
using Lmake.Common.Checksums;

namespace Lmake.Server.Rules;

[Flags]
public enum DepAccesses : byte
{
    None = 0,
    Reg = 1 << 0,    // open, exec: the content (and, as open fails or not, whether a file is there)
    Lnk = 1 << 1,    // readlink: the text of a symlink
    Stat = 1 << 2,   // stat, access, readdir: existence and kind
    All = Reg | Lnk | Stat,   // a static dep, and any dep of a store written before accesses were kept
}

public static class DepAccessesExtensions
{
    /// <summary>Whether a job that looked at a dep this way would see a difference between the two states.</summary>
    public static bool Differ(this DepAccesses accesses, FileChecksum seen, FileChecksum now)
    {
        if (seen == now) return false;
        if ((accesses & DepAccesses.Stat) != 0 && seen.Kind != now.Kind) return true;
        // open follows a symlink (the file it points to is a dep of its own): it sees a difference when a file or a
        // dir is on either side (content), or when something appears or goes (open failing where it succeeded)
        if ((accesses & DepAccesses.Reg) != 0 && (SeenByOpen(seen) || SeenByOpen(now) || seen.Exists != now.Exists)) return true;
        if ((accesses & DepAccesses.Lnk) != 0 && (seen.Kind == FileKind.Symlink || now.Kind == FileKind.Symlink)) return true;
        return false;
    }

    private static bool SeenByOpen(FileChecksum c) => c.Kind is FileKind.Regular or FileKind.Executable or FileKind.Directory;
}
