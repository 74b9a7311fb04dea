// The `info` file of a cached run: what is written is read back the same, and a torn or foreign file is no run.
using Lmake.Common.Checksums;
using Lmake.Server.Cache;

namespace Lmake.Server.Tests.Cache;

public class CacheEntryTests
{
    private static readonly FileChecksum A = new(FileKind.Regular, 0x1234, false);
    private static readonly FileChecksum X = new(FileKind.Executable, 0xabcd, false);

    private static CacheEntry Sample() => new()
    {
        ExecTime = TimeSpan.FromMilliseconds(1234),
        CpuTime = TimeSpan.FromMilliseconds(987),
        Stored = new DateTime(2026, 12, 5, 12, 0, 0, DateTimeKind.Utc),
        RepoKey = "/repo@0123abcd",
        Deps = [("src/a b.c", A), ("missing", FileChecksum.None)],
        Files = [new CachedFile("out/x y", X, 42, false), new CachedFile("b", A, 3, true)],
        Stderr = "warning: é\nsecond line",
    };

    [Fact]
    public void What_is_written_is_read_back()
    {
        CacheEntry e = CacheEntry.Parse(Sample().Format())!;
        Assert.NotNull(e);
        Assert.Equal(TimeSpan.FromMilliseconds(1234), e.ExecTime);
        Assert.Equal(TimeSpan.FromMilliseconds(987), e.CpuTime);
        Assert.Equal(Sample().Stored, e.Stored);
        Assert.Equal("/repo@0123abcd", e.RepoKey);
        Assert.Equal(Sample().Deps, e.Deps);
        Assert.Equal(Sample().Files, e.Files);
        Assert.Equal("warning: é\nsecond line", e.Stderr);
    }

    [Fact]
    public void A_torn_or_foreign_info_is_no_run()
    {
        string text = Sample().Format();
        Assert.Null(CacheEntry.Parse(text[..(text.Length / 2)]));          // cut in the middle of a line
        Assert.Null(CacheEntry.Parse(text.Replace(" 1\n", " 9\n")));        // another version
        Assert.Null(CacheEntry.Parse(text.Replace("dep ", "dep zz ")));     // a checksum that is none
        Assert.Null(CacheEntry.Parse(""));
    }

    [Fact]
    public void The_run_id_follows_the_deps_and_what_was_seen()
    {
        string id = CacheEntry.RunId([("a", A)]);
        Assert.Equal(id, CacheEntry.RunId([("a", A)]));
        Assert.NotEqual(id, CacheEntry.RunId([("a", X)]));
        Assert.NotEqual(id, CacheEntry.RunId([("b", A)]));
        Assert.Matches("^[0-9a-f]{16}$", id);
    }
}
