// lstat through FileStat: kinds, size and date as a user's file system shows them.
using Lmake.Common.Files;

namespace Lmake.Common.Tests;

public sealed class FileStatTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lmake-stat-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string P(string name) => Path.Combine(_dir, name);

    [Fact]
    public void KindsOfEntries()
    {
        File.WriteAllText(P("f"), "12345");
        File.WriteAllText(P("x"), "");
        File.SetUnixFileMode(P("x"), UnixFileMode.UserRead | UnixFileMode.UserExecute);
        Directory.CreateDirectory(P("d"));
        File.CreateSymbolicLink(P("l"), "nowhere");
        Assert.Equal(StatKind.Regular, FileStat.Of(P("f")).Kind);
        Assert.Equal(5, FileStat.Of(P("f")).Size);
        Assert.Equal(StatKind.Executable, FileStat.Of(P("x")).Kind);
        Assert.Equal(StatKind.Directory, FileStat.Of(P("d")).Kind);
        Assert.Equal(StatKind.Symlink, FileStat.Of(P("l")).Kind);
        Assert.False(FileStat.Of(P("missing")).Exists);
    }

    [Fact]
    public void DateIsTheModificationTimeInNanoseconds()
    {
        File.WriteAllText(P("f"), "a");
        var when = new DateTime(2020, 5, 17, 10, 0, 0, DateTimeKind.Utc).AddTicks(1234567);
        File.SetLastWriteTimeUtc(P("f"), when);
        Assert.Equal((when - DateTime.UnixEpoch).Ticks * 100, FileStat.Of(P("f")).MtimeNs);
    }

    [Fact]
    public void LongAndNonAsciiPaths()
    {
        string deep = Path.Combine(_dir, new string('a', 200), new string('b', 200), "é€.txt");
        Directory.CreateDirectory(Path.GetDirectoryName(deep)!);
        File.WriteAllText(deep, "x");
        Assert.Equal(StatKind.Regular, FileStat.Of(deep).Kind);
    }
}
