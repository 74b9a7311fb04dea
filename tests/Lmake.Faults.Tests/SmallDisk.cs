// A small file system of its own for a fault case: a tmpfs the test mounts (it runs as root, as `make test` does on
// the build machine), so that a build can fill it or find it read-only without touching the rest of the machine.
// It holds a git repo the case builds in; unmounted (lazily, whatever still runs there) at the end.
using Lmake.EndToEnd.Tests;

namespace Lmake.Faults.Tests;

public sealed class SmallDisk : IDisposable
{
    private readonly TempDir _mountPoint = new("lmake-small-disk-");
    private bool _mounted;

    public SmallDisk(long bytes)
    {
        Assert.True(Environment.IsPrivilegedProcess, "the disk-full and read-only cases mount a tmpfs: run the fault suite as root");
        Sh($"mount -t tmpfs -o size={bytes} lmake-fault-tmpfs '{Path}'");
        _mounted = true;
    }

    public string Path => _mountPoint.Path;

    public string this[string relative] => System.IO.Path.Combine(Path, relative);

    /// <summary>Bytes this process may still write there.</summary>
    public long Free => new DriveInfo(Path).TotalFreeSpace;

    /// <summary>Takes room with an untracked file until about <paramref name="left"/> bytes are free (0: none).</summary>
    public void FillLeaving(long left)
    {
        string filler = this["filler"];
        File.Delete(filler);
        long take = Math.Max(0, Free - left);
        using var f = new FileStream(filler, FileMode.Create);
        var block = new byte[64 * 1024];
        try
        {
            for (long written = 0; written < take; written += block.Length)
                f.Write(block, 0, (int)Math.Min(block.Length, take - written));
            f.Flush();
        }
        catch (IOException) { }   // full before the count: as good
    }

    /// <summary>The room taken by FillLeaving given back.</summary>
    public void GiveBackRoom() => File.Delete(this["filler"]);

    public void ReadOnly(bool on) => Sh($"mount -o remount,{(on ? "ro" : "rw")} '{Path}'");

    private static void Sh(string script)
    {
        CommandResult r = Installed.Shell(script);
        Assert.True(r.ExitCode == 0, $"{script}\n{r}");
    }

    public void Dispose()
    {
        if (_mounted) Installed.Shell($"umount -l '{Path}'");
        _mounted = false;
        _mountPoint.Dispose();
    }
}
