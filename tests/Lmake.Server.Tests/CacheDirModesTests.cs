// What the users of a shared cache make in it takes the rights of its root dir whatever their umask (cache.md,
// "Permissions"): a team's cache of 2775 gets 2775 dirs and 664 files, so that every member can add and take away.
using Lmake.Server.Cache;

namespace Lmake.Server.Tests;

public sealed class CacheDirModesTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("lmake-cache-modes-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private const UnixFileMode Team = UnixFileMode.SetGroup | UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
        | UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    [Fact]
    public void DirsMadeAtAnyDepthTakeTheRootsRightsAndFilesTheSameWithoutExecute()
    {
        File.SetUnixFileMode(_root, Team);   // 2775
        string deep = Path.Combine(_root, "a", "b", "c");
        CacheDirModes.CreateDirectory(_root, deep);
        foreach (string dir in new[] { "a", "a/b", "a/b/c" })
            Assert.Equal(Team, File.GetUnixFileMode(Path.Combine(_root, dir)));
        string file = Path.Combine(deep, "info");
        File.WriteAllText(file, "x");
        CacheDirModes.SetFileMode(_root, file);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.OtherRead,
            File.GetUnixFileMode(file));   // 664
    }

    [Fact]
    public void APrivateCacheStaysPrivate()
    {
        File.SetUnixFileMode(_root, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);   // 700
        CacheDirModes.CreateDirectory(_root, Path.Combine(_root, "job"));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.Combine(_root, "job")));
    }
}
