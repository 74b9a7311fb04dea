// One lstat(2) per question "what is at this path now": the engine asks it for every node of every
// request, so it must cost one syscall and no allocation (FileInfo costs several of both).
using System.Text;

namespace Lmake.Common.Files;

public enum StatKind : byte { None, Regular, Executable, Symlink, Directory, Other }

public readonly record struct FileStat(StatKind Kind, long Size, long MtimeNs)
{
    public bool Exists => Kind != StatKind.None;

    /// <summary>lstat of <paramref name="path"/> (a final symlink is not followed).</summary>
    public static FileStat Of(string path) => At(AtCwd, path);

    /// <summary>The directory fd meaning "the current directory" for <see cref="At"/>.</summary>
    public const int AtCwd = -100;

    /// <summary>lstat of <paramref name="path"/> relative to the directory open as <paramref name="dirFd"/>
    /// (ignored for an absolute path): the kernel then walks only the relative part, which halves the cost
    /// of stat'ing every node of a repo deep in the file system.</summary>
    public static unsafe FileStat At(int dirFd, string path)
    {
        Span<byte> buffer = NativePath.Encode(path, stackalloc byte[NativePath.StackSize]);
        Libc.Stat st;
        fixed (byte* p = buffer)
            if (Libc.Fstatat(dirFd, p, &st, AtSymlinkNoFollow) != 0) return default;
        const uint typeMask = 0xF000, regular = 0x8000, directory = 0x4000, symlink = 0xA000, anyExec = 0x49;
        StatKind kind = (st.Mode & typeMask) switch
        {
            regular => (st.Mode & anyExec) != 0 ? StatKind.Executable : StatKind.Regular,
            directory => StatKind.Directory,
            symlink => StatKind.Symlink,
            _ => StatKind.Other,
        };
        return new FileStat(kind, st.Size, st.MtimeSec * 1_000_000_000 + st.MtimeNsec);
    }

    /// <summary>The inode of <paramref name="path"/> (lstat) and how many names it has; null when it does not
    /// exist. Hard links between files are found this way.</summary>
    public static unsafe (ulong Dev, ulong Ino, ulong Links)? LinksOf(string path)
    {
        Span<byte> buffer = NativePath.Encode(path, stackalloc byte[NativePath.StackSize]);
        Libc.Stat st;
        fixed (byte* p = buffer)
            if (Libc.Fstatat(AtCwd, p, &st, AtSymlinkNoFollow) != 0) return null;
        return (st.Dev, st.Ino, st.Nlink);
    }

    private const int AtSymlinkNoFollow = 0x100;

    /// <summary>Opens a directory for <see cref="At"/> (O_PATH: no read permission needed); -1 on failure.</summary>
    public static unsafe int OpenDirectory(string path)
    {
        const int oPath = 0x200000, oDirectory = 0x10000, oCloexec = 0x80000;
        byte[] bytes = Encoding.UTF8.GetBytes(path + "\0");
        fixed (byte* p = bytes) return Libc.Open(p, oPath | oDirectory | oCloexec);
    }
}
