// An exclusive flock(2) on a file, held until disposed or until the process dies (the kernel releases it,
// which is what lets a client tell a live server from the leftovers of a kill -9).
// The file is opened with open(2) directly: .NET's FileStream takes flocks of its own on Unix (LOCK_SH for
// shared opens), which would turn our probe into a sharing violation and our lock into a racy upgrade.
using System.Runtime.InteropServices;
using static Lmake.Common.Libc;

namespace Lmake.Common.Protocol;

public sealed class FileLock : IDisposable
{
    private int _fd;

    private FileLock(int fd) => _fd = fd;

    /// <summary>The lock, or null when another process holds it. The file is created if needed.</summary>
    public static FileLock? TryAcquire(string path)
    {
        int fd = Open(path, O_RDWR | O_CREAT | O_CLOEXEC, Convert.ToInt32("644", 8));
        if (fd < 0)
        {
            int error = Marshal.GetLastPInvokeError();
            string message = $"cannot open {path}: {Marshal.GetPInvokeErrorMessage(error)}";
            throw error is EACCES or EROFS ? new UnauthorizedAccessException(message) : new IOException(message);
        }
        while (true)
        {
            if (Flock(fd, LOCK_EX | LOCK_NB) == 0) return new FileLock(fd);
            int errno = Marshal.GetLastPInvokeError();
            if (errno == EINTR) continue;
            Close(fd);
            if (errno == EWOULDBLOCK) return null;
            throw new IOException($"cannot lock {path}: {Marshal.GetPInvokeErrorMessage(errno)}");
        }
    }

    /// <summary>True when some process holds the lock (checked by taking and dropping it at once).</summary>
    public static bool IsHeld(string path)
    {
        if (!File.Exists(path)) return false;
        using FileLock? probe = TryAcquire(path);
        return probe is null;
    }

    public void Dispose()
    {
        int fd = Interlocked.Exchange(ref _fd, -1);
        if (fd >= 0) Close(fd);
    }
}
