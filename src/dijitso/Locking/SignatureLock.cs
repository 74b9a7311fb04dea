// The per-signature lock that makes unrelated processes sharing a cache directory compile once.
// First choice: flock(2) on CACHE/lib/.SIG.lock, which the kernel drops when its holder dies (kill -9 included).
// Fallback, for file systems where flock does not work (or DIJITSO_LOCK=file): an exclusive lock file
// CACHE/lib/.SIG.lock.owner holding host:pid, refreshed while held, taken over when its owner is dead
// (same host) or it has not been refreshed for DIJITSO_LOCK_STALE_SECONDS (default 60, other hosts).
using System.Text;
using Lmake.Common;

namespace Dijitso.Locking;

public sealed class SignatureLock : IDisposable
{
    private int _fd = -1;
    private string? _ownerFile;
    private Timer? _refresh;

    /// <summary>True when another process held the lock when we asked for it.</summary>
    public bool Waited { get; private set; }

    private SignatureLock() { }

    public static SignatureLock Acquire(string lockPath)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(lockPath)!);
        var l = new SignatureLock();
        string method = Environment.GetEnvironmentVariable("DIJITSO_LOCK") ?? "flock";
        if (method != "file" && l.TryFlock(lockPath)) return l;
        l.TakeOwnerFile(lockPath + ".owner");
        return l;
    }

    /// <summary>False when the file system does not support flock (then the owner file is used).</summary>
    private bool TryFlock(string lockPath)
    {
        int fd = Libc.Open(lockPath, Libc.O_RDWR | Libc.O_CREAT | Libc.O_CLOEXEC, 438 /* 0666 */);
        if (fd < 0)
            throw new DijitsoError(DijitsoExit.Internal, $"dijitso: cannot open the lock {lockPath} (errno {Libc.Errno})");
        if (Libc.Flock(fd, Libc.LOCK_EX | Libc.LOCK_NB) == 0) { _fd = fd; return true; }
        int errno = Libc.Errno;
        if (errno == Libc.EWOULDBLOCK)
        {
            Waited = true;
            while (Libc.Flock(fd, Libc.LOCK_EX) != 0)
            {
                if (Libc.Errno == Libc.EINTR) continue;
                errno = Libc.Errno;
                Libc.Close(fd);
                if (Unsupported(errno)) return false;
                throw new DijitsoError(DijitsoExit.Internal, $"dijitso: cannot lock {lockPath} (errno {errno})");
            }
            _fd = fd;
            return true;
        }
        Libc.Close(fd);
        if (Unsupported(errno)) return false;
        throw new DijitsoError(DijitsoExit.Internal, $"dijitso: cannot lock {lockPath} (errno {errno})");
    }

    private static bool Unsupported(int errno) => errno is Libc.ENOLCK or Libc.ENOSYS or Libc.EOPNOTSUPP or Libc.EINVAL;

    private static readonly TimeSpan RefreshPeriod = TimeSpan.FromSeconds(5);

    private static TimeSpan StaleAfter =>
        int.TryParse(Environment.GetEnvironmentVariable("DIJITSO_LOCK_STALE_SECONDS"), out int s) && s > 0
            ? TimeSpan.FromSeconds(s) : TimeSpan.FromSeconds(60);

    private void TakeOwnerFile(string ownerFile)
    {
        string me = $"{Environment.MachineName}:{Environment.ProcessId}";
        byte[] content = Encoding.UTF8.GetBytes(me + "\n");
        int delayMs = 10;
        while (true)
        {
            int fd = Libc.Open(ownerFile, Libc.O_RDWR | Libc.O_CREAT | Libc.O_EXCL | Libc.O_CLOEXEC, 420 /* 0644 */);
            if (fd >= 0)
            {
                Libc.Close(fd);
                File.WriteAllBytes(ownerFile, content);
                _ownerFile = ownerFile;
                // Keeps the file fresh so that waiters on other hosts do not take it for stale.
                _refresh = new Timer(_ => { try { File.SetLastWriteTimeUtc(ownerFile, DateTime.UtcNow); } catch (IOException) { } }, null, RefreshPeriod, RefreshPeriod);
                return;
            }
            if (Libc.Errno != Libc.EEXIST)
                throw new DijitsoError(DijitsoExit.Internal, $"dijitso: cannot create the lock file {ownerFile} (errno {Libc.Errno})");
            Waited = true;
            if (IsStale(ownerFile, out string owner))
            {
                // Renaming to a name of our own is atomic: of several waiters that judged it stale, one removes it.
                string grave = $"{ownerFile}.stale-{me}";
                try
                {
                    if (ReadOwner(ownerFile) == owner) { File.Move(ownerFile, grave); File.Delete(grave); }
                }
                catch (IOException) { }
                continue;
            }
            Thread.Sleep(delayMs);
            delayMs = Math.Min(delayMs * 2, 200);
        }
    }

    private static string? ReadOwner(string file)
    {
        try { return File.ReadAllText(file).Trim(); }
        catch (IOException) { return null; }
    }

    private static bool IsStale(string ownerFile, out string owner)
    {
        owner = ReadOwner(ownerFile) ?? "";
        DateTime written;
        try { written = File.GetLastWriteTimeUtc(ownerFile); } catch (IOException) { return false; }
        if (!File.Exists(ownerFile)) return false;
        int colon = owner.LastIndexOf(':');
        if (colon > 0 && owner[..colon] == Environment.MachineName && int.TryParse(owner[(colon + 1)..], out int pid))
            return !Libc.ProcessAlive(pid);
        // Empty: a holder between create and write; give it the stale delay too.
        return DateTime.UtcNow - written > StaleAfter;
    }

    public void Dispose()
    {
        if (_fd >= 0) { Libc.Flock(_fd, Libc.LOCK_UN); Libc.Close(_fd); _fd = -1; }
        if (_ownerFile != null)
        {
            _refresh?.Dispose();
            try { File.Delete(_ownerFile); } catch (IOException) { }
            _ownerFile = null;
        }
    }
}
