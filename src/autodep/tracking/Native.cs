// The constants of the Linux calls the job runner makes directly (declared in Lmake.Common.Libc): posix_spawn
// (vfork-fast, no managed fork), pipes, pidfd + epoll for one reaper thread, wait4 for the exit status and
// resource use, kill of process groups.
using System.Runtime.InteropServices;
using Lmake.Common;

namespace Lmake.Autodep;

internal static unsafe class Native
{
    public const int O_RDONLY = 0, O_WRONLY = 1, O_CREAT = 0x40, O_TRUNC = 0x200, O_NONBLOCK = 0x800, O_CLOEXEC = 0x80000;
    public const int F_GETFL = 3, F_SETFL = 4;
    public const int EINTR = 4, EAGAIN = 11, ESRCH = 3, ECHILD = 10;
    public const int WNOHANG = 1;
    public const int EPOLL_CTL_ADD = 1, EPOLL_CTL_DEL = 2;
    public const uint EPOLLIN = 1, EPOLLERR = 8, EPOLLHUP = 0x10;
    public const short POSIX_SPAWN_SETSIGDEF = 0x04, POSIX_SPAWN_SETSIGMASK = 0x08, POSIX_SPAWN_SETSID = 0x80;
    public const int EFD_CLOEXEC = 0x80000, EFD_NONBLOCK = 0x800;

    // Opaque glibc structures, sized with room to spare (x86_64: 80, 336 and 128 bytes).
    public const int FileActionsSize = 128, SpawnAttrSize = 512, SigsetSize = 128;

    public static string ErrorText(int errno) => Marshal.PtrToStringUTF8((nint)Libc.StrError(errno)) ?? $"errno {errno}";
}
