// The files of the repo as the engine sees and changes them: a stat, a content checksum, an unlink, a move to the
// quarantine. RealDisk is the file system; tests give an in-memory one, so that the make algorithm runs in
// process without real files. What jobs do to the disk is their backend's business, not this.
using Lmake.Common.Checksums;
using Lmake.Common.Files;

namespace Lmake.Server.Disk;

public interface IRepoDisk
{
    /// <summary>The lstat of a repo-relative name (or an absolute one, under a source dir outside the repo).</summary>
    FileStat Stat(string name);

    /// <summary>The content checksum of the file at <paramref name="name"/>, whose lstat is <paramref name="stat"/>.</summary>
    FileChecksum Checksum(string name, FileStat stat);

    /// <summary>Removes the file (nothing when it is gone already).</summary>
    void Unlink(string name);

    /// <summary>Moves the file to the quarantine (LMAKE/quarantine/NAME), where its user finds it.</summary>
    void Quarantine(string name);

    /// <summary>Creates the folder and its parents (nothing when it is there; a file in the way is left, the
    /// job then fails on it as it would anywhere).</summary>
    void CreateDirectory(string dir);

    /// <summary>Removes the folders holding <paramref name="name"/> that are now empty, innermost first, up
    /// to the repo root: a target removed must not leave its folder behind (dirs do not exist for lmake).</summary>
    void RemoveEmptyParents(string name);

    /// <summary>Gives each of these files that shares its inode with a file outside the set a copy of its own
    /// (incremental targets hard linked elsewhere: the job must not change the other names). Links among
    /// the set are kept.</summary>
    void Uniquify(IReadOnlyList<string> names);

    /// <summary>The files (repo-relative names) under <paramref name="dir"/> when it is a real folder, not a
    /// symbolic link to one; null otherwise.</summary>
    IReadOnlyList<string>? FilesUnder(string dir);

    /// <summary>Removes the folder and what is left in it (nothing when it cannot: the job then fails on it).</summary>
    void RemoveDirectory(string dir);
}
