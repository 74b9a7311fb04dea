// The file syscalls a ptrace job is stopped on (x86_64 numbers) and what each one does to which names:
// the same kinds the shim records for the libc functions above them (src/autodep/shim/wrap_*.c).
namespace Lmake.Autodep;

/// <summary>One name a syscall touches: (DirFd, the string at PathAddress), or the fd DirFd itself when
/// PathAddress is 0 (getdents). OnlyIfOk: recorded only when the call succeeded (writes, link's source);
/// otherwise the write kinds are dropped on failure and the rest is recorded with whether the file existed.</summary>
internal readonly record struct SyscallName(AccessKind Kinds, int DirFd, ulong PathAddress, bool Follow, bool OnlyIfOk);

internal static class PtraceSyscalls
{
    public const int AT_FDCWD = -100;
    private const int AT_SYMLINK_NOFOLLOW = 0x100, AT_SYMLINK_FOLLOW = 0x400, RENAME_EXCHANGE = 2;
    private const int O_ACCMODE = 3, O_RDONLY = 0, O_WRONLY = 1, O_CREAT = 0x40, O_EXCL = 0x80, O_TRUNC = 0x200,
        O_DIRECTORY = 0x10000, O_NOFOLLOW = 0x20000, O_PATH = 0x200000;

    public const int Open = 2, Stat = 4, Connect = 42, Chdir = 80, Fchdir = 81, Lstat = 6, Access = 21, Execve = 59, Truncate = 76, Getdents = 78, Rename = 82,
        Mkdir = 83, Rmdir = 84, Creat = 85, Link = 86, Unlink = 87, Symlink = 88, Readlink = 89, Chmod = 90, Utime = 132,
        Mknod = 133, Setxattr = 188, Lsetxattr = 189, Removexattr = 197, Lremovexattr = 198, Getdents64 = 217,
        Utimes = 235, Openat = 257, Mkdirat = 258, Mknodat = 259, Futimesat = 261, Newfstatat = 262, Unlinkat = 263,
        Renameat = 264, Linkat = 265, Symlinkat = 266, Readlinkat = 267, Fchmodat = 268, Faccessat = 269,
        Utimensat = 280, Renameat2 = 316, Execveat = 322, Statx = 332, Openat2 = 437, Faccessat2 = 439, Fchmodat2 = 452;

    /// <summary>Every syscall the seccomp filter sends to the tracer.</summary>
    public static readonly int[] Traced =
    [
        Open, Stat, Lstat, Access, Execve, Truncate, Getdents, Rename, Mkdir, Rmdir, Creat, Link, Unlink, Symlink, Readlink,
        Chmod, Utime, Mknod, Setxattr, Lsetxattr, Removexattr, Lremovexattr, Getdents64, Utimes, Openat, Mkdirat, Mknodat,
        Futimesat, Newfstatat, Unlinkat, Renameat, Linkat, Symlinkat, Readlinkat, Fchmodat, Faccessat, Utimensat, Renameat2,
        Execveat, Statx, Openat2, Faccessat2, Fchmodat2,
        Connect,  // no file: in-job commands connect to the job's channel (see PtraceTracer)
        Chdir, Fchdir,  // no file: the tracer's cache of cwds is forgotten
    ];

    private static readonly HashSet<int> s_traced = [.. Traced];

    public static bool IsTraced(ulong nr) => nr < int.MaxValue && s_traced.Contains((int)nr);

    public static bool IsExec(ulong nr) => nr is Execve or Execveat;

    /// <summary>Whether the syscall may turn a directory into something else (a symlink, in the end).</summary>
    public static bool ChangesTree(ulong nr) => nr is Rename or Renameat or Renameat2 or Unlink or Unlinkat or Rmdir;

    /// <summary>The names syscall nr touches (0, 1 or 2 of them, in the order the shim records them).
    /// readOpenHowFlags reads the flags of openat2's struct open_how in the tracee.</summary>
    public static int Describe(ulong nr, ReadOnlySpan<ulong> a, Func<ulong, ulong> readOpenHowFlags, Span<SyscallName> names)
    {
        (int Count, SyscallName First, SyscallName Second) d = DescribeArgs(nr, a, readOpenHowFlags);
        if (d.Count > 0) names[0] = d.First;
        if (d.Count > 1) names[1] = d.Second;
        return d.Count;
    }

    private static (int, SyscallName, SyscallName) DescribeArgs(ulong nr, ReadOnlySpan<ulong> a, Func<ulong, ulong> readOpenHowFlags)
    {
        static int Fd(ulong v) => (int)(long)v;
        static bool Follows(ulong flags) => ((int)flags & AT_SYMLINK_NOFOLLOW) == 0;
        static (int, SyscallName, SyscallName) One(SyscallName n) => (1, n, default);
        static (int, SyscallName, SyscallName) Two(SyscallName x, SyscallName y) => (2, x, y);
        const AccessKind R = AccessKind.Read, S = AccessKind.Stat, L = AccessKind.Readlink, D = AccessKind.ReadDir,
            X = AccessKind.Exec, W = AccessKind.Write, U = AccessKind.Unlink, M = AccessKind.Mkdir;
        switch ((int)nr)
        {
            case Open: return One(OpenName(AT_FDCWD, a[0], (int)a[1]));
            case Openat: return One(OpenName(Fd(a[0]), a[1], (int)a[2]));
            case Openat2: return One(OpenName(Fd(a[0]), a[1], (int)readOpenHowFlags(a[2])));
            case Creat: return One(new(W, AT_FDCWD, a[0], true, true));
            case Stat or Access: return One(new(S, AT_FDCWD, a[0], true, false));
            case Lstat: return One(new(S, AT_FDCWD, a[0], false, false));
            case Newfstatat: return One(new(S, Fd(a[0]), a[1], Follows(a[3]), false));
            case Statx: return One(new(S, Fd(a[0]), a[1], Follows(a[2]), false));
            case Faccessat: return One(new(S, Fd(a[0]), a[1], true, false));
            case Faccessat2: return One(new(S, Fd(a[0]), a[1], Follows(a[3]), false));
            case Readlink: return One(new(L, AT_FDCWD, a[0], false, false));
            case Readlinkat: return One(new(L, Fd(a[0]), a[1], false, false));
            case Execve: return One(new(X, AT_FDCWD, a[0], true, false));
            case Execveat: return One(new(X, Fd(a[0]), a[1], Follows(a[4]), false));
            case Getdents or Getdents64: return One(new(D, Fd(a[0]), 0, true, false));
            case Rename: return Two(new(U, AT_FDCWD, a[0], false, true), new(W, AT_FDCWD, a[1], false, true));
            case Renameat: return Two(new(U, Fd(a[0]), a[1], false, true), new(W, Fd(a[2]), a[3], false, true));
            case Renameat2:
                return Two(new(((int)a[4] & RENAME_EXCHANGE) != 0 ? W : U, Fd(a[0]), a[1], false, true),
                           new(W, Fd(a[2]), a[3], false, true));
            case Unlink or Rmdir: return One(new(U, AT_FDCWD, a[0], false, true));
            case Unlinkat: return One(new(U, Fd(a[0]), a[1], false, true));
            case Link: return Two(new(R, AT_FDCWD, a[0], false, true), new(W, AT_FDCWD, a[1], false, true));
            case Linkat:
                return Two(new(R, Fd(a[0]), a[1], ((int)a[4] & AT_SYMLINK_FOLLOW) != 0, true), new(W, Fd(a[2]), a[3], false, true));
            case Symlink: return One(new(W, AT_FDCWD, a[1], false, true));
            case Symlinkat: return One(new(W, Fd(a[1]), a[2], false, true));
            case Mkdir: return One(new(M, AT_FDCWD, a[0], false, true));
            case Mkdirat: return One(new(M, Fd(a[0]), a[1], false, true));
            case Mknod: return One(new(W, AT_FDCWD, a[0], false, true));
            case Mknodat: return One(new(W, Fd(a[0]), a[1], false, true));
            case Truncate or Chmod or Utime or Utimes or Setxattr or Removexattr: return One(new(W, AT_FDCWD, a[0], true, true));
            case Lsetxattr or Lremovexattr: return One(new(W, AT_FDCWD, a[0], false, true));
            case Fchmodat or Futimesat: return One(new(W, Fd(a[0]), a[1], true, true));
            case Fchmodat2: return One(new(W, Fd(a[0]), a[1], Follows(a[3]), true));
            case Utimensat: return a[1] == 0 ? default : One(new(W, Fd(a[0]), a[1], Follows(a[3]), true));  // no name: futimens
            default: return default;
        }
    }

    // What an open with these flags does to the file (as the shim's kinds_of_flags).
    private static SyscallName OpenName(int dirfd, ulong path, int flags)
    {
        AccessKind kinds = (flags & (O_PATH | O_DIRECTORY)) != 0 ? AccessKind.Stat : (flags & O_ACCMODE) switch
        {
            O_RDONLY => AccessKind.Read,
            O_WRONLY => AccessKind.Write,
            _ => (flags & O_TRUNC) != 0 ? AccessKind.Write : AccessKind.Read | AccessKind.Write,
        };
        bool follow = (flags & O_NOFOLLOW) == 0 && !((flags & O_CREAT) != 0 && (flags & O_EXCL) != 0);
        return new SyscallName(kinds, dirfd, path, follow, false);
    }
}
