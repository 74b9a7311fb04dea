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

    public void CreateDirectory(string dir)
    {
        if (dir.Length == 0) return;
        try { Directory.CreateDirectory(PathOf(dir)); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    public void RemoveEmptyParents(string name)
    {
        if (Path.IsPathRooted(name)) return;   // a source dir outside the repo is not ours to tidy
        for (int slash = name.LastIndexOf('/'); slash > 0; slash = name.LastIndexOf('/', slash - 1))
        {
            string dir = PathOf(name[..slash]);
            try
            {
                if (!Directory.Exists(dir) || Directory.EnumerateFileSystemEntries(dir).Any()) return;
                Directory.Delete(dir);
            }
            catch (IOException) { return; }
            catch (UnauthorizedAccessException) { return; }
        }
    }

    public void Uniquify(IReadOnlyList<string> names)
    {
        var inodes = new Dictionary<(ulong, ulong), int>();
        var links = new List<(string Name, (ulong, ulong) Inode, ulong Links)>();
        foreach (string name in names)
        {
            if (FileStat.LinksOf(PathOf(name)) is not var (dev, ino, n) || n <= 1) continue;
            if (Stat(name).Kind is not (StatKind.Regular or StatKind.Executable)) continue;
            links.Add((name, (dev, ino), n));
            inodes[(dev, ino)] = inodes.GetValueOrDefault((dev, ino)) + 1;
        }
        foreach (var (name, inode, n) in links)
        {
            if ((ulong)inodes[inode] >= n) continue;   // every other name is in the set: the links stay
            // a copy beside it, then renamed over it: the name gets a new inode, the other names keep the old one
            string path = PathOf(name), copy = path + ".lmake_uniquify";
            try
            {
                File.Copy(path, copy, overwrite: true);
                File.Move(copy, path, overwrite: true);
            }
            catch (IOException) { }
        }
    }

    public void Quarantine(string name)
    {
        string dest = _lmakeDir.QuarantineOf(name);
        Directory.CreateDirectory(Path.GetDirectoryName(dest)!);
        File.Move(PathOf(name), dest, overwrite: true);
    }

    public IReadOnlyList<string>? FilesUnder(string dir)
    {
        string full = PathOf(dir);
        if (!Directory.Exists(full) || new DirectoryInfo(full).LinkTarget != null) return null;
        return Directory.EnumerateFiles(full, "*", SearchOption.AllDirectories)
            .Select(f => dir + "/" + Path.GetRelativePath(full, f)).ToList();
    }

    public void RemoveDirectory(string dir)
    {
        try { Directory.Delete(PathOf(dir), recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
