// lmake's checksum forms for each kind of file, and their round trip through text.
using Lmake.Common.Checksums;

namespace Lmake.Common.Tests;

public sealed class FileChecksumTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lmake-sum-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string P(string name) => Path.Combine(_dir, name);

    [Fact]
    public void MissingFileIsNone() => Assert.Equal("none", FileChecksum.Of(P("nope")).ToString());

    [Fact]
    public void DirectoryIsDir()
    {
        Directory.CreateDirectory(P("d"));
        Assert.Equal(FileChecksum.Directory, FileChecksum.Of(P("d")));
        Assert.Equal("dir", FileChecksum.Of(P("d")).ToString());
    }

    [Fact]
    public void EmptyRegularFile()
    {
        File.WriteAllText(P("e"), "");
        Assert.Equal("empty-R", FileChecksum.Of(P("e")).ToString());
    }

    [Fact]
    public void RegularFileIsXxh3OfContent()
    {
        File.WriteAllText(P("a"), "some content\n");
        Assert.Equal(XxHashTests.Reference("-H3", "some content\n"u8.ToArray()) + "-R", FileChecksum.Of(P("a")).ToString());
    }

    [Fact]
    public void ExecutableBitChangesTheChecksum()
    {
        File.WriteAllText(P("x"), "echo\n");
        FileChecksum plain = FileChecksum.Of(P("x"));
        File.SetUnixFileMode(P("x"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        FileChecksum exe = FileChecksum.Of(P("x"));
        Assert.NotEqual(plain, exe);
        Assert.EndsWith("-X", exe.ToString());
        Assert.Equal(plain.Hash, exe.Hash);
    }

    [Fact]
    public void SymlinkIsHashOfItsTextEvenWhenDangling()
    {
        File.CreateSymbolicLink(P("l"), "target/that/does/not/exist");
        FileChecksum sum = FileChecksum.Of(P("l"));
        Assert.Equal(FileKind.Symlink, sum.Kind);
        Assert.Equal(FileChecksum.OfSymlinkText("target/that/does/not/exist"), sum);
    }

    [Theory]
    [InlineData("none")]
    [InlineData("dir")]
    [InlineData("empty-R")]
    [InlineData("empty-L")]
    [InlineData("0123456789abcdef-R")]
    [InlineData("0123456789abcdef-X")]
    [InlineData("fedcba9876543210-L")]
    public void ParsesWhatItPrints(string text)
    {
        Assert.True(FileChecksum.TryParse(text, out FileChecksum sum));
        Assert.Equal(text, sum.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("abc-R")]
    [InlineData("0123456789abcdef-Q")]
    [InlineData("0123456789abcdeg-R")]
    [InlineData("0123456789abcdef")]
    public void RefusesMalformedText(string text) => Assert.False(FileChecksum.TryParse(text, out _));
}
