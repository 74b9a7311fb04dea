// When the server asks for a collection after a request: after one that allocated much for the heap it has (a build,
// a new server's first request, which loads the graph), not after a no-op of a server that is up. During a build: each
// time it allocated what its heap held after the last one, at least a floor (so a small build makes none).
using Lmake.Server.Engine;

namespace Lmake.Server.Tests.Engine;

public class HeapTrimTests
{
    private const long MB = 1L << 20;

    [Theory]
    [InlineData(20, 12, true)]     // a new server's first no-op at 10,000 files: the graph loaded, half the heap or more
    [InlineData(2, 18, false)]     // a no-op of that server, up
    [InlineData(7, 2, false)]      // a small repo: under the floor, whatever its heap
    [InlineData(9, 2, true)]       // ... above it
    [InlineData(33, 300, true)]    // a build of a large repo: much, whatever the heap
    [InlineData(31, 300, false)]   // a no-op of that repo, up: little for its heap
    public void A_collection_follows_a_request_that_allocated_much_for_its_heap(long allocatedMb, long heapMb, bool worth) =>
        Assert.Equal(worth, HeapTrim.WorthAfter(allocatedMb * MB, heapMb * MB));

    [Theory]
    [InlineData(2, 4)]        // a small repo: the floor
    [InlineData(15, 4)]
    [InlineData(20, 5)]       // the 10,000-file C project: about 60 collections for the 318 MB its full build allocates
    [InlineData(250, 62.5)]   // 100,000 files: as many, each costing more, the same share of the build
    public void During_a_build_a_collection_comes_once_a_quarter_of_the_heap_s_size_was_allocated(long heapMb, double budgetMb) =>
        Assert.Equal((long)(budgetMb * MB), HeapTrim.BudgetAfter(heapMb * MB));
}
