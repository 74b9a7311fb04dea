// The few Linux system calls the store needs, bound directly (no .NET FileStream: its emulated FileShare
// locks would stop readers from opening a file a writer holds).
using System.Runtime.InteropServices;

namespace Lmake.Store;

internal static unsafe partial class Libc
{
    public const int O_RDONLY = 0, O_RDWR = 2, O_CREAT = 0x40, O_EXCL = 0x80, O_CLOEXEC = 0x80000;
    public const int PROT_READ = 1, PROT_WRITE = 2;
    public const int MAP_SHARED = 1;
    public const int MREMAP_MAYMOVE = 1;
    public const int MS_SYNC = 4;
    public const int LOCK_EX = 2, LOCK_NB = 4;
    public const int SEEK_END = 2;
    public const int EINTR = 4, EWOULDBLOCK = 11;
    public static readonly nint MapFailed = -1;

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Open(string path, int flags, int mode);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    [LibraryImport("libc", EntryPoint = "lseek", SetLastError = true)]
    public static partial long Lseek(int fd, long offset, int whence);

    [LibraryImport("libc", EntryPoint = "ftruncate", SetLastError = true)]
    public static partial int Ftruncate(int fd, long length);

    /// <summary>Returns the error number itself (0: done), not -1 and errno.</summary>
    [LibraryImport("libc", EntryPoint = "posix_fallocate")]
    public static partial int PosixFallocate(int fd, long offset, long length);

    [LibraryImport("libc", EntryPoint = "pwrite", SetLastError = true)]
    public static partial nint Pwrite(int fd, byte* buffer, nint count, long offset);

    [LibraryImport("libc", EntryPoint = "mmap", SetLastError = true)]
    public static partial nint Mmap(nint address, nuint length, int prot, int flags, int fd, long offset);

    [LibraryImport("libc", EntryPoint = "mremap", SetLastError = true)]
    public static partial nint Mremap(nint oldAddress, nuint oldLength, nuint newLength, int flags);

    [LibraryImport("libc", EntryPoint = "munmap", SetLastError = true)]
    public static partial int Munmap(nint address, nuint length);

    [LibraryImport("libc", EntryPoint = "msync", SetLastError = true)]
    public static partial int Msync(nint address, nuint length, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    public static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "flock", SetLastError = true)]
    public static partial int Flock(int fd, int operation);

    /// <summary>XXH3-64 (libxxhash, linked statically into the executables as for Lmake.Common): page sums.</summary>
    [LibraryImport("xxhash", EntryPoint = "XXH3_64bits")]
    public static partial ulong Xxh3(byte* data, nuint length);

    /// <summary>The text of the last error of a call above ("No such file or directory").</summary>
    public static string LastError() => Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError());
}
