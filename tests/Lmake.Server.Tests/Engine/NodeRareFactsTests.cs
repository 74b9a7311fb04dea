// A node's rare facts (candidate jobs, a multi conflict, too deep a chain, a file uphill, a pollution) live in one
// object made when the first of them is set (issue 18): each reads back as set, and clearing what was never set
// leaves the node as it was.
using Lmake.Common.Checksums;
using Lmake.Server.Engine;

namespace Lmake.Server.Tests.Engine;

public class NodeRareFactsTests
{
    [Fact]
    public void ANewNodeHasNoneOfThem()
    {
        var node = new Node(1, "a/b");
        Assert.Null(node.Candidates);
        Assert.Null(node.Multi);
        Assert.False(node.TooDeep);
        Assert.Null(node.Uphill);
        Assert.Null(node.PollutedBy);
        Assert.Equal(FileChecksum.None, node.PollutedChecksum);
    }

    [Fact]
    public void EachReadsBackAsSetAndClears()
    {
        var node = new Node(1, "a/b");
        var sum = new FileChecksum(FileKind.Regular, 42, false);
        node.Multi = "R1 and R2";
        node.TooDeep = true;
        node.Uphill = "a";
        node.PollutedChecksum = sum;
        node.Candidates = [];
        Assert.Equal(("R1 and R2", true, "a", sum), (node.Multi, node.TooDeep, node.Uphill, node.PollutedChecksum));
        Assert.NotNull(node.Candidates);
        node.Multi = null;
        node.TooDeep = false;
        node.Uphill = null;
        node.PollutedChecksum = FileChecksum.None;
        node.Candidates = null;
        Assert.Equal((null, false, null, FileChecksum.None), (node.Multi, node.TooDeep, node.Uphill, node.PollutedChecksum));
        Assert.Null(node.Candidates);
    }
}
