// A write the file system refused because it is full (ENOSPC, EDQUOT) or mounted read-only (EROFS): no lmake bug,
// so every command says it in one line naming the file and ends with a documented code (ExitCode.SyscallFailed for
// a full disk, ExitCode.Permission for a read-only one) instead of an internal error. .NET gives errno as the
// HResult of the IOException it raises for these.
namespace Lmake.Common;

public static class WriteRefused
{
    private const int ENOSPC = 28, EROFS = 30, EDQUOT = 122;

    /// <summary>Below this, a file system is taken as full (a job that failed there failed for lack of room).</summary>
    private const long FullBelow = 256 * 1024;

    public const string NoSpaceAdvice = "free some space, then run lmake again";

    public static bool IsNoSpace(Exception e) => e is IOException { HResult: ENOSPC or EDQUOT };

    public static bool IsReadOnly(Exception e) => e is IOException { HResult: EROFS };

    /// <summary>The file system holding <paramref name="path"/> has (almost) no room left for this process (root
    /// may use the blocks reserved for it).</summary>
    public static bool DiskIsFull(string path)
    {
        try
        {
            var drive = new DriveInfo(path);
            long free = Environment.IsPrivilegedProcess ? drive.TotalFreeSpace : drive.AvailableFreeSpace;
            return free < FullBelow;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException) { return false; }
    }

    /// <summary>What a command says of a refused write, on one line: the file system's words and the file.</summary>
    public static string Message(string command, Exception e) =>
        IsNoSpace(e) ? $"{command}: no space left on the device: {e.Message} ({NoSpaceAdvice})"
        : IsReadOnly(e) ? $"{command}: the repo is on a read-only file system: {e.Message} (lmake writes LMAKE/ and the targets: build in a writable copy)"
        : $"{command}: {e.Message}";

    /// <summary>The exit code of a refused write: SyscallFailed (full), Permission (read-only).</summary>
    public static int ExitCodeOf(Exception e) => IsReadOnly(e) ? ExitCode.Permission : ExitCode.SyscallFailed;
}
