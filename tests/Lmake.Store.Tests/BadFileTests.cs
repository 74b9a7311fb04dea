// Truncated, foreign, garbage, mismatched and locked files: a StoreException naming the file, never a
// crash, a hang or a silently wrong answer; and the bad file is left as it was.
using System.Text;

namespace Lmake.Store.Tests;

public class BadFileTests
{
    private static StoreDir TreeWithNames(int count = 2000)
    {
        var dir = new StoreDir();
        using var tree = PrefixTree.Open(dir["names"]);
        for (int i = 0; i < count; i++) tree.Insert($"src/m{i % 17}/file{i}.c");
        return dir;
    }

    private static void AssertRejected(string badFile, Action open)
    {
        byte[] before = File.ReadAllBytes(badFile);
        var error = Assert.Throws<StoreException>(open);
        Assert.Contains(badFile, error.Message);
        Assert.Equal(before, File.ReadAllBytes(badFile));
    }

    public static TheoryData<string> TreeFiles => new() { "names", "names.ids", "names.idx" };

    [Theory]
    [MemberData(nameof(TreeFiles))]
    public void ATruncatedFileIsRejected(string file)
    {
        using var dir = TreeWithNames();
        using (var stream = new FileStream(dir[file], FileMode.Open)) stream.SetLength(10);
        AssertRejected(dir[file], () => PrefixTree.Open(dir["names"]).Dispose());
        AssertRejected(dir[file], () => PrefixTree.Open(dir["names"], writable: false).Dispose());
    }

    [Theory]
    [MemberData(nameof(TreeFiles))]
    public void AFileCutBelowItsCommittedSizeIsRejected(string file)
    {
        using var dir = TreeWithNames();
        long committed = BitConverter.ToInt64(File.ReadAllBytes(dir[file]), 16);
        using (var stream = new FileStream(dir[file], FileMode.Open)) stream.SetLength(committed - 8);
        AssertRejected(dir[file], () => PrefixTree.Open(dir["names"]).Dispose());
    }

    [Theory]
    [MemberData(nameof(TreeFiles))]
    public void AForeignFileIsRejected(string file)
    {
        using var dir = TreeWithNames();
        File.WriteAllText(dir[file], "#!/bin/sh\necho this is a shell script, not a store file\n" + new string('#', 200));
        AssertRejected(dir[file], () => PrefixTree.Open(dir["names"]).Dispose());
    }

    [Theory]
    [MemberData(nameof(TreeFiles))]
    public void AGarbageFileIsRejected(string file)
    {
        using var dir = TreeWithNames();
        var garbage = new byte[100_000];
        new Random(42).NextBytes(garbage);
        File.WriteAllBytes(dir[file], garbage);
        AssertRejected(dir[file], () => PrefixTree.Open(dir["names"]).Dispose());
    }

    [Fact]
    public void GarbageBehindAValidHeaderIsReportedNotFollowed()
    {
        using var dir = TreeWithNames();
        byte[] nodes = File.ReadAllBytes(dir["names"]);
        var random = new Random(7);
        for (int i = 64; i < nodes.Length; i++) nodes[i] = (byte)random.Next(256);
        File.WriteAllBytes(dir["names"], nodes);
        using var tree = PrefixTree.Open(dir["names"], writable: false); // O(1) open: nothing is scanned
        int reported = 0;
        for (uint id = 1; id <= tree.Count; id += 97)
        {
            try { tree.NameOf(id); }
            catch (StoreException error)
            {
                Assert.Contains(dir["names"], error.Message);
                reported++;
            }
        }
        Assert.True(reported > 0, "no corrupt node was reported");
        var lookup = Assert.Throws<StoreException>(() => tree.TryGet("src/m3/file3.c", out _));
        Assert.Contains(dir["names"], lookup.Message);
    }

    [Fact]
    public void AFileOfAnotherKindIsRejected()
    {
        using var dir = TreeWithNames();
        using (var vector = Vector<int>.Open(dir["vector"])) vector.Append(1);
        AssertRejected(dir["vector"], () => PrefixTree.Open(dir["vector"]).Dispose());
        AssertRejected(dir["names"], () => Vector<int>.Open(dir["names"]).Dispose());
        var error = Assert.Throws<StoreException>(() => Vector<long>.Open(dir["vector"]));
        Assert.Contains(dir["vector"], error.Message);
    }

    [Fact]
    public void AMissingIdFileIsRejectedNotRecreatedEmpty()
    {
        using var dir = TreeWithNames();
        File.Delete(dir["names.ids"]);
        var error = Assert.Throws<StoreException>(() => PrefixTree.Open(dir["names"]));
        Assert.Contains(dir["names.ids"], error.Message);
        Assert.False(File.Exists(dir["names.ids"]));
    }

    [Fact]
    public void ASecondWriterIsRefusedAndReadersAreNot()
    {
        using var dir = TreeWithNames();
        using var writer = PrefixTree.Open(dir["names"]);
        var error = Assert.Throws<StoreException>(() => PrefixTree.Open(dir["names"]));
        Assert.Contains("already open for writing", error.Message);
        using var reader = PrefixTree.Open(dir["names"], writable: false);
        Assert.Equal(writer.Count, reader.Count);
    }

    [Fact]
    public void AnEmptyFileIsRejectedAsTruncated()
    {
        using var dir = new StoreDir();
        File.WriteAllBytes(dir["v"], []);
        var error = Assert.Throws<StoreException>(() => Vector<int>.Open(dir["v"]));
        Assert.Contains(dir["v"], error.Message);
        Assert.Contains("truncated", error.Message);
        Assert.Equal(Encoding.UTF8.GetBytes(""), File.ReadAllBytes(dir["v"]));
    }
}
