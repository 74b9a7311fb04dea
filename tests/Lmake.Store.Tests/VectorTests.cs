// Vector<T>: append, index, update in place, persistence, readers, ids out of range.
namespace Lmake.Store.Tests;

public class VectorTests
{
    private struct Pair
    {
        public uint A;
        public ulong B;
    }

    [Fact]
    public void AppendedRecordsGetDenseIdsAndSurviveReopen()
    {
        using var dir = new StoreDir();
        using (var vector = Vector<Pair>.Open(dir["v"]))
        {
            Assert.Equal(0u, vector.Count);
            for (uint i = 1; i <= 100_000; i++) Assert.Equal(i, vector.Append(new Pair { A = i, B = i * 3UL }));
            vector[7].B = 77; // in place
        }
        using var reopened = Vector<Pair>.Open(dir["v"]);
        Assert.Equal(100_000u, reopened.Count);
        Assert.Equal(77UL, reopened[7].B);
        for (uint i = 1; i <= 100_000; i++)
        {
            Assert.Equal(i, reopened[i].A);
            if (i != 7) Assert.Equal(i * 3UL, reopened[i].B);
        }
    }

    [Fact]
    public void IdZeroAndIdsPastCountAreRejected()
    {
        using var dir = new StoreDir();
        using var vector = Vector<int>.Open(dir["v"]);
        vector.Append(5);
        Assert.Throws<ArgumentOutOfRangeException>(() => vector[0]);
        Assert.Throws<ArgumentOutOfRangeException>(() => vector[2]);
        Assert.Equal(5, vector[1]);
    }

    [Fact]
    public void AReaderSeesWhatTheWriterCommitsEvenAfterTheFileGrew()
    {
        using var dir = new StoreDir();
        using var writer = Vector<long>.Open(dir["v"]);
        writer.Append(1);
        using var reader = Vector<long>.Open(dir["v"], writable: false);
        Assert.Equal(1u, reader.Count);
        for (long i = 2; i <= 50_000; i++) writer.Append(i); // grows and remaps the writer's mapping many times
        Assert.Equal(50_000u, reader.Count);
        Assert.Equal(50_000L, reader[50_000]);
        Assert.Throws<InvalidOperationException>(() => reader.Append(3));
    }

    [Fact]
    public void AReaderOfAMissingFileGetsAStoreException()
    {
        using var dir = new StoreDir();
        var error = Assert.Throws<StoreException>(() => Vector<int>.Open(dir["absent"], writable: false));
        Assert.Contains(dir["absent"], error.Message);
        Assert.False(File.Exists(dir["absent"]));
    }
}
