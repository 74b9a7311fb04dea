// What a request keeps of the nodes and jobs it made (MakeRequest's memo): while one is being made, the task of the
// method making it; once made, its result alone, as a small completed task (a shared one when there is no error to
// say), so that the making method's suspended state is let go before the request ends (issue 18: a full build makes
// every job at once, and kept them all to its end). The memo is settled as runs end, an eighth of what is pending at a
// time (at least 256).
using Lmake.Common.Commands;
using Lmake.Server.Engine;

namespace Lmake.Server.Tests.Engine;

public class MemoSettlingTests
{
    private static MakeRequest Request() =>
        new(new RecordingClient(), CancellationToken.None, 10, new LmakeOptions { Targets = [] });

    // many nodes being made, their making methods' tasks in the memo
    private static (Node[] Nodes, TaskCompletionSource<NodeResult>[] Makings) Pending(MakeRequest req, int count)
    {
        var nodes = Enumerable.Range(1, count).Select(i => new Node((uint)i, $"n{i}")).ToArray();
        var makings = nodes.Select(_ => new TaskCompletionSource<NodeResult>()).ToArray();
        for (int i = 0; i < count; i++) req.SetMade(nodes[i], makings[i].Task);
        return (nodes, makings);
    }

    private static Task<NodeResult> Memo(MakeRequest req, Node node) =>
        req.TryGetMade(node, out Task<NodeResult>? made) ? made : throw new InvalidOperationException($"{node} not in the memo");

    [Fact]
    public async Task WhatIsMadeIsKeptAsItsResultOnceEnoughRunsEnded()
    {
        MakeRequest req = Request();
        var (nodes, makings) = Pending(req, 1000);
        for (int i = 0; i < 500; i++) makings[i].SetResult(new NodeResult(MakeState.Ok, true, null));
        var failure = new NodeResult(MakeState.Error, true, ErrorChain.Leaf("failed", "n501", "it failed"));
        makings[500].SetResult(failure);

        // fewer runs ended than the threshold: the memo still holds the making methods' tasks
        for (int i = 0; i < 255; i++) req.RunsEnded();
        Assert.Same(makings[0].Task, Memo(req, nodes[0]));

        req.RunsEnded();
        // made: the result alone, a shared task when it says no error, the same result when it does
        Assert.NotSame(makings[0].Task, Memo(req, nodes[0]));
        Assert.Same(NodeResults.OkWorked, Memo(req, nodes[0]));
        Assert.NotSame(makings[500].Task, Memo(req, nodes[500]));
        Assert.Same(failure, await Memo(req, nodes[500]));
        // not made yet: its making's task stays, and is still what it is waited on
        Assert.Same(makings[501].Task, Memo(req, nodes[501]));
        Assert.Equal(499, req.StillMaking().Count());
    }

    [Fact]
    public void ManyPendingSettleOnAnEighthOfThemEnded()
    {
        MakeRequest req = Request();
        var (nodes, makings) = Pending(req, 4000);
        makings[0].SetResult(new NodeResult(MakeState.Ok, false, null));
        // 4000 pending: every 500 runs ended
        for (int i = 0; i < 499; i++) req.RunsEnded();
        Assert.Same(makings[0].Task, Memo(req, nodes[0]));
        req.RunsEnded();
        Assert.Same(NodeResults.OkIdle, Memo(req, nodes[0]));
    }
}
