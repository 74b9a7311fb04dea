// The few libc calls .NET does not expose as we need them: a blocking flock on a raw descriptor
// (FileStream only takes non-blocking ones), and a liveness probe for a process id.
using System.Runtime.InteropServices;

namespace Dijitso.Locking;

internal static partial class Libc
{
    internal const int O_RDWR = 0x2, O_CREAT = 0x40, O_EXCL = 0x80, O_CLOEXEC = 0x80000;
    internal const int LOCK_EX = 2, LOCK_NB = 4, LOCK_UN = 8;
    internal const int EINTR = 4, ESRCH = 3, EEXIST = 17, EWOULDBLOCK = 11, ENOLCK = 37, ENOSYS = 38, EOPNOTSUPP = 95, EINVAL = 22;

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int Open(string path, int flags, int mode);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    internal static partial int Close(int fd);

    [LibraryImport("libc", EntryPoint = "flock", SetLastError = true)]
    internal static partial int Flock(int fd, int operation);

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    internal static partial int Kill(int pid, int signal);

    internal static int Errno => Marshal.GetLastPInvokeError();

    /// <summary>True unless the kernel says no such process exists (EPERM still means it lives).</summary>
    internal static bool ProcessAlive(int pid) => Kill(pid, 0) == 0 || Errno != ESRCH;
}
