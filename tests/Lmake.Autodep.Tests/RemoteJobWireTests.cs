// The conversation of a remote job_exec with the server (RemoteJobWire): what the server orders and what the job
// reports come out as they went in, every field of every access included; a cut or mislabelled message is an error.
using Lmake.Autodep.Remote;
using Lmake.Common.Protocol;

namespace Lmake.Autodep.Tests;

public class RemoteJobWireTests
{
    /// <summary>The frame a FrameWriter would send, as the FrameReader of the other side returns it.</summary>
    private static Frame Sent(MessageKind kind, PayloadWriter payload)
    {
        var stream = new MemoryStream();
        new FrameWriter(stream).Write(kind, payload);
        stream.Position = 0;
        Frame frame = new FrameReader(stream).Read()!.Value;
        return new Frame(frame.Kind, frame.Payload.ToArray());
    }

    [Fact]
    public void AnOrderComesOutAsItWentIn()
    {
        var order = new RemoteJobOrder(["/bin/bash", "-c", "cat a > b\né"], "/repo/sub", "/repo",
            new Dictionary<string, string> { ["PATH"] = "/bin", ["EMPTY"] = "" }, ["/src/"], AutodepMethod.Ptrace, true, true,
            "/repo/in", null, true, TimeSpan.FromMilliseconds(2500), [2, 15, 9], "");
        RemoteJobOrder back = RemoteJobWire.ReadOrder(Sent(MessageKind.JobOrder, RemoteJobWire.Order(order)));
        Assert.Equal(order.Argv, back.Argv);
        Assert.Equal(("/repo/sub", "/repo"), (back.Cwd, back.RepoRoot));
        Assert.Equal(order.Environment.OrderBy(kv => kv.Key), back.Environment.OrderBy(kv => kv.Key));
        Assert.Equal(["/src/"], back.SourceDirs);
        Assert.Equal((AutodepMethod.Ptrace, true, true), (back.Method, back.AutoMkdir, back.FollowExternalLinks));
        Assert.Equal(("/repo/in", (string?)null, true), (back.StdinPath, back.StdoutPath, back.LiveStdout));
        Assert.Equal(TimeSpan.FromMilliseconds(2500), back.Timeout);
        Assert.Equal([2, 15, 9], back.KillSignals);
        Assert.Equal("", back.TmpDir);
    }

    [Fact]
    public void AnOrderWithoutTimeoutHasNone()
    {
        var order = new RemoteJobOrder(["true"], "/r", "/r", new Dictionary<string, string>(), [], AutodepMethod.LdPreload, false, false,
            null, "/r/out", false, null, [15], "/r/LMAKE/tmp/3");
        RemoteJobOrder back = RemoteJobWire.ReadOrder(Sent(MessageKind.JobOrder, RemoteJobWire.Order(order)));
        Assert.Null(back.Timeout);
        Assert.Equal(("/r/out", "/r/LMAKE/tmp/3"), (back.StdoutPath, back.TmpDir));
    }

    [Fact]
    public void AnEndKeepsEveryFieldOfEveryAccess()
    {
        Access[] accesses =
        [
            new("a.c", AccessKind.Read | AccessKind.Stat, true) { SeenMtimeNs = 1_700_000_000_123_456_789 },
            new("out/x", AccessKind.Write, false) { DeclaredTarget = true, TargetFlags = DeclaredTargetFlags.Incremental | DeclaredTargetFlags.Phony, WrittenFirst = true },
            new("dep", AccessKind.Depend, false) { Declared = true, DepFlags = DeclaredDepFlags.Critical | DeclaredDepFlags.NotRequired, ParallelGroup = 3 },
        ];
        var outcome = new JobOutcome(3, false, true, "out\n", "err é\n", accesses, TimeSpan.FromMilliseconds(1234.5), TimeSpan.FromTicks(98765), 42L << 20)
        {
            Patterns = [new DeclaredPattern(@"gen/.*\.h", false, DeclaredDepFlags.IgnoreError, DeclaredTargetFlags.None)],
        };
        RemoteJobEnd back = RemoteJobWire.ReadEnd(Sent(MessageKind.JobEnd, RemoteJobWire.End(new RemoteJobEnd(outcome, "node7", "/tmp/j"))));
        Assert.Equal(("node7", "/tmp/j"), (back.Host, back.TmpDir));
        JobOutcome o = back.Outcome;
        Assert.Equal((3, false, true, "out\n", "err é\n"), (o.ExitCode, o.TimedOut, o.Killed, o.Stdout, o.Stderr));
        Assert.Equal((outcome.Wall, outcome.Cpu, outcome.MaxRssBytes), (o.Wall, o.Cpu, o.MaxRssBytes));
        Assert.Equal(accesses, o.Accesses);   // record equality: every property, init ones included
        Assert.Equal(outcome.Patterns, o.Patterns);
    }

    [Fact]
    public void AnswersCarryTheIdOfTheirRequestAndAFailureItsReason()
    {
        Frame verdicts = Sent(MessageKind.JobAnswer, RemoteJobWire.Verdicts(7, [new DepVerdict("ok", "abc"), new DepVerdict("missing", "none")]));
        Assert.Equal(7, RemoteJobWire.AnswerId(verdicts, out PayloadReader rest, out string? error));
        Assert.Null(error);
        Assert.Equal([new DepVerdict("ok", "abc"), new DepVerdict("missing", "none")], RemoteJobWire.ReadVerdicts(rest));

        Frame failed = Sent(MessageKind.JobAnswer, RemoteJobWire.Failure(8, "no engine"));
        Assert.Equal(8, RemoteJobWire.AnswerId(failed, out _, out error));
        Assert.Equal("no engine", error);

        Frame decoded = Sent(MessageKind.JobAnswer, RemoteJobWire.Value(9, null));
        RemoteJobWire.AnswerId(decoded, out rest, out _);
        Assert.Null(RemoteJobWire.ReadOptional(ref rest));
    }

    [Fact]
    public void AMessageOfAnotherKindOrCutShortIsAProtocolError()
    {
        var order = new RemoteJobOrder(["true"], "/r", "/r", new Dictionary<string, string>(), [], AutodepMethod.None, false, false,
            null, null, false, null, [15], "");
        Frame asEnd = Sent(MessageKind.JobEnd, RemoteJobWire.Order(order));
        Assert.Throws<ProtocolException>(() => RemoteJobWire.ReadOrder(asEnd));
        Frame whole = Sent(MessageKind.JobOrder, RemoteJobWire.Order(order));
        var cut = new Frame(MessageKind.JobOrder, whole.Payload[..^3]);
        Assert.Throws<ProtocolException>(() => RemoteJobWire.ReadOrder(cut));
    }
}
