// Page sums (src/store/PageSums.cs): a page no write touched since the last checkpoint must hold what it held then;
// a page written since (what a kill leaves) is not judged; a store without sums (an older one) is converted.
namespace Lmake.Store.Tests;

public class PageSumsTests
{
    private static void Flip(string path, long at)
    {
        byte[] bytes = File.ReadAllBytes(path);
        bytes[at] ^= 0x5A;
        File.WriteAllBytes(path, bytes);
    }

    [Fact]
    public void AByteChangedInACheckpointedPageIsFoundAndNamed()
    {
        using var dir = new StoreDir();
        using (var v = Vector<ulong>.Open(dir["v"], pageSums: true))
        {
            for (ulong i = 1; i <= 5000; i++) v.Append(i);
            v.Checkpoint();
        }
        using (var v = Vector<ulong>.Open(dir["v"], writable: false, pageSums: true))
            Assert.Equal(10u, (uint)v.VerifyPages());   // 64 + 5000 * 8 bytes: 10 pages
        Flip(dir["v"], 3 * 4096 + 100);
        using var damaged = Vector<ulong>.Open(dir["v"], writable: false, pageSums: true);
        var e = Assert.Throws<StoreException>(() => damaged.VerifyPages());
        Assert.Equal(dir["v"], e.FilePath);
        Assert.Contains("page 3 ", e.Message);
    }

    [Fact]
    public void PagesWrittenAfterTheLastCheckpointAreNotJudged()
    {
        using var dir = new StoreDir();
        using (var v = Vector<ulong>.Open(dir["v"], pageSums: true))
        {
            for (ulong i = 1; i <= 5000; i++) v.Append(i);
            v.Checkpoint();
            v.ForWrite(2000) = 42;                          // page 3, after the checkpoint
            for (ulong i = 1; i <= 1000; i++) v.Append(i);  // the header page and new pages too
        }                                                   // no checkpoint: as a kill leaves it
        using var reopened = Vector<ulong>.Open(dir["v"], writable: false, pageSums: true);
        Assert.Equal(7u, (uint)reopened.VerifyPages());     // 10 pages summed; 0 (header), 3 and 9 written since
        Assert.Equal(42UL, reopened[2000]);
    }

    [Fact]
    public void AStoreWithoutSumsIsConvertedAndItsSumsCheckedFromTheNextCheckpoint()
    {
        using var dir = new StoreDir();
        using (var t = PrefixTree.Open(dir["names"]))   // as an older lmake-cs wrote it: no sums
            for (int i = 0; i < 2000; i++) t.Insert($"dir{i % 7}/file{i}");
        Assert.False(File.Exists(dir["names.sums"]));
        using (var t = PrefixTree.Open(dir["names"], pageSums: true, rebuildIndex: true))
        {
            Assert.Equal(0u, (uint)t.PagesChecked);   // nothing known yet
            Assert.True(t.TryGet("dir3/file10", out _));
            t.Checkpoint();
        }
        Flip(dir["names.ids"], 64 + 4 * 100);
        var e = Assert.Throws<StoreException>(() => PrefixTree.Open(dir["names"], pageSums: true, rebuildIndex: true).Dispose());
        Assert.Equal(dir["names.ids"], e.FilePath);
    }
}
