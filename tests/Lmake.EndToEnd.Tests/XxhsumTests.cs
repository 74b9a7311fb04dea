// `xxhsum` as a user calls it, checked against the reference xxhsum tool.
namespace Lmake.EndToEnd.Tests;

public class XxhsumTests
{
    private static string ReferenceXxh3(string file)
    {
        CommandResult r = Installed.Run("/usr/bin/xxhsum", ["-H3", file]);
        Assert.Equal(0, r.ExitCode);
        // 0.8.1 prints the BSD form for XXH3: "XXH3 (file) = <hex>".
        return r.Stdout.Trim().Split(' ')[^1];
    }

    [Fact]
    public void RegularFileMatchesReferenceXxh3()
    {
        using var dir = new TempDir();
        dir.Write("a.txt", "hello world\n");
        CommandResult r = Installed.Run(Installed.Bin("xxhsum"), [dir["a.txt"]]);
        Assert.Equal(0, r.ExitCode);
        Assert.Equal(ReferenceXxh3(dir["a.txt"]) + "-R\n", r.Stdout);
    }

    [Fact]
    public void FormsOfMissingEmptyExecutableAndSymlink()
    {
        using var dir = new TempDir();
        dir.Write("empty", "");
        dir.Write("exe", "#!/bin/sh\n");
        File.SetUnixFileMode(dir["exe"], UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        File.CreateSymbolicLink(dir["link"], "a/target");
        CommandResult r = Installed.Run(Installed.Bin("xxhsum"), ["missing", "empty", "exe", "link"], cwd: dir.Path);
        Assert.Equal(0, r.ExitCode);
        string[] lines = r.Stdout.TrimEnd('\n').Split('\n');
        Assert.Equal("none  missing", lines[0]);
        Assert.Equal("empty-R  empty", lines[1]);
        Assert.Equal(ReferenceXxh3(dir["exe"]) + "-X  exe", lines[2]);
        Assert.Matches("^[0-9a-f]{16}-L  link$", lines[3]);
        // the symlink's checksum is that of its text, not of its (missing) target
        dir.Write("text", "a/target");
        Assert.Equal(ReferenceXxh3(dir["text"]) + "-L", lines[3].Split("  ")[0]);
    }

    [Fact]
    public void NoArgumentIsAUsageError()
    {
        CommandResult r = Installed.Command("xxhsum");
        Assert.Equal(11, r.ExitCode);
        Assert.Contains("xxhsum", r.Stderr);
        Assert.Equal("", r.Stdout);
    }
}
