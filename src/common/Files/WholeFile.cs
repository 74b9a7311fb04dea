// Writes a small file whole with plain syscalls (open, write, close, rename): File.WriteAllBytes adds an
// fstat, an flock and an fallocate per file, and the server writes one such file per job it runs.
using System.Runtime.InteropServices;
using System.Text;

namespace Lmake.Common.Files;

public static partial class WholeFile
{
    public const int EEXIST = 17, ENOENT = 2;

    private const int O_WRONLY = 1, O_CREAT = 0x40, O_EXCL = 0x80, O_TRUNC = 0x200, O_CLOEXEC = 0x80000;

    /// <summary>Creates <paramref name="path"/> holding <paramref name="bytes"/>; fails with EEXIST when it is
    /// already there. 0 or an errno.</summary>
    public static int CreateNew(string path, ReadOnlySpan<byte> bytes) => Write(path, bytes, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC);

    /// <summary>Writes <paramref name="bytes"/> to <paramref name="tmp"/> then renames it to <paramref name="path"/>:
    /// a crash leaves the old content or the new one. 0 or an errno.</summary>
    public static unsafe int Replace(string path, string tmp, ReadOnlySpan<byte> bytes)
    {
        int err = Write(tmp, bytes, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC);
        if (err != 0) return err;
        fixed (byte* from = Encoding.UTF8.GetBytes(tmp + "\0"))
        fixed (byte* to = Encoding.UTF8.GetBytes(path + "\0"))
            return rename(from, to) == 0 ? 0 : Marshal.GetLastPInvokeError();
    }

    private static unsafe int Write(string path, ReadOnlySpan<byte> bytes, int flags)
    {
        int fd;
        fixed (byte* p = Encoding.UTF8.GetBytes(path + "\0")) fd = open(p, flags, 0x1b6);   // 0666 & umask
        if (fd < 0) return Marshal.GetLastPInvokeError();
        int err = 0;
        fixed (byte* b = bytes)
        {
            for (int done = 0; done < bytes.Length;)
            {
                nint n = write(fd, b + done, bytes.Length - done);
                if (n < 0)
                {
                    err = Marshal.GetLastPInvokeError();
                    if (err == 4) { err = 0; continue; }   // EINTR
                    break;
                }
                done += (int)n;
            }
        }
        if (close(fd) != 0 && err == 0) err = Marshal.GetLastPInvokeError();
        return err;
    }

    /// <summary>The text of an errno, for messages.</summary>
    public static string ErrorText(int errno) => Marshal.GetPInvokeErrorMessage(errno);

    [LibraryImport("libc", SetLastError = true)]
    private static unsafe partial int open(byte* path, int flags, int mode);

    [LibraryImport("libc", SetLastError = true)]
    private static unsafe partial nint write(int fd, byte* buf, nint count);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int close(int fd);

    [LibraryImport("libc", SetLastError = true)]
    private static unsafe partial int rename(byte* from, byte* to);
}
