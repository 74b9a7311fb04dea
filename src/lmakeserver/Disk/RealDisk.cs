// The repo on the file system: names are stat'ed relative to the open repo root (no path to build per stat), and
// hashed only when asked (the engine asks when a file's date moved).
using Lmake.Common.Checksums;
using Lmake.Common.Files;
using Lmake.Server.State;

namespace Lmake.Server.Disk;

public sealed class RealDisk : IRepoDisk
{
    private readonly string _root;
    private readonly LmakeDir _lmakeDir;
    // the repo root, open (see FileStat.At); -1 if it could not be opened, and then absolute paths are used
    private readonly int _rootFd;

    /// <param name="lmakeDir">Where Quarantine moves files (LMAKE/quarantine).</param>
    public RealDisk(string repoRoot, LmakeDir lmakeDir)
    {
        _root = repoRoot;
        _lmakeDir = lmakeDir;
        _rootFd = FileStat.OpenDirectory(repoRoot);
    }

    private string PathOf(string name) => Path.IsPathRooted(name) ? name : Path.Combine(_root, name);

    public FileStat Stat(string name) => _rootFd >= 0 ? FileStat.At(_rootFd, name) : FileStat.Of(PathOf(name));

    public FileChecksum Checksum(string name, FileStat stat) => FileChecksum.Of(PathOf(name), stat);

    public void Unlink(string name) => File.Delete(PathOf(name));

    public void Quarantine(string name)
    {
        string dest = _lmakeDir.QuarantineOf(name);
        Directory.CreateDirectory(Path.GetDirectoryName(dest)!);
        File.Move(PathOf(name), dest, overwrite: true);
    }
}
