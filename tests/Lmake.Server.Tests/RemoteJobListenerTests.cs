// Where remote job_execs connect back: a wrong key is refused and the job stays waiting; the right one gets the
// job's order, and the job's report ends the slot; a connection cut before the report makes the job lost.
using System.Net;
using Lmake.Autodep;
using Lmake.Autodep.Remote;
using Lmake.Common;
using Lmake.Common.Protocol;
using Lmake.Common.Sockets;
using Lmake.Server.Backends;
using Lmake.Server.Backends.Remote;

namespace Lmake.Server.Tests;

public sealed class RemoteJobListenerTests
{
    private static readonly RemoteJobListener Listener = new(Libc.Loopback);

    private static readonly RemoteJobOrder Order = new(["/bin/true"], "/r", "/r", new Dictionary<string, string> { ["A"] = "1" }, [],
        AutodepMethod.LdPreload, false, false, null, null, false, null, [15, 9], "");

    private static RemoteJobSlot Expect()
    {
        var commands = new JobCommands(new UnusedHost(), new SynchronizationContext(), w => w);
        return Listener.Expect(Order, commands, null);
    }

    private static (LoopbackStream, FrameReader, FrameWriter) Connect(string key)
    {
        LoopbackStream s = LoopbackStream.Connect(new IPEndPoint(IPAddress.Loopback, Listener.Port));
        s.ReceiveTimeout = TimeSpan.FromSeconds(30);   // a hang guard
        var writer = new FrameWriter(s);
        writer.Write(MessageKind.Hello, Hello.Encode(key));
        return (s, new FrameReader(s), writer);
    }

    [Fact]
    public void AWrongKeyIsRefusedAndTheJobStillWaits()
    {
        using RemoteJobSlot slot = Expect();
        string number = slot.Key[..slot.Key.IndexOf(':')];
        var (s, reader, _) = Connect(number + ":" + new string('0', 32));
        using (s)
        {
            Frame answer = reader.Read()!.Value;
            Assert.Equal(MessageKind.Refused, answer.Kind);
            Assert.Equal("bad key", answer.Reader().String());
            Assert.Null(reader.Read());   // then the server closes
        }
        Assert.False(slot.IsConnected);
        Assert.False(slot.HasEnded);
    }

    [Fact]
    public async Task TheRightKeyGetsTheOrderAndTheReportEndsTheJob()
    {
        using RemoteJobSlot slot = Expect();
        var (s, reader, writer) = Connect(slot.Key);
        using (s)
        {
            Assert.Equal(MessageKind.Welcome, reader.Read()!.Value.Kind);
            RemoteJobOrder order = RemoteJobWire.ReadOrder(reader.Read()!.Value);
            Assert.Equal(Order.Argv, order.Argv);
            Assert.Equal("1", order.Environment["A"]);
            var outcome = new JobOutcome(0, false, false, "hi\n", "", [new Access("a", AccessKind.Read, true)], TimeSpan.FromSeconds(1), TimeSpan.Zero, 0);
            writer.Write(MessageKind.JobEnd, RemoteJobWire.End(new RemoteJobEnd(outcome, "node1", "")));
            RemoteJobEnd? end = await slot.Ended.WaitAsync(TimeSpan.FromSeconds(30));
            Assert.NotNull(end);
            Assert.Equal(("node1", "hi\n"), (end.Host, end.Outcome.Stdout));
            Assert.True(slot.IsConnected);
        }
    }

    [Fact]
    public async Task AConnectionCutBeforeTheReportMakesTheJobLost()
    {
        using RemoteJobSlot slot = Expect();
        var (s, reader, _) = Connect(slot.Key);
        using (s)
        {
            Assert.Equal(MessageKind.Welcome, reader.Read()!.Value.Kind);
            reader.Read();   // the order
        }
        Assert.Null(await slot.Ended.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal("job_exec closed its connection before reporting", slot.LostReason);
    }

    [Fact]
    public void ASecondConnectionWithTheKeyOfAConnectedJobIsTurnedAway()
    {
        using RemoteJobSlot slot = Expect();
        var (first, reader, _) = Connect(slot.Key);
        using (first)
        {
            Assert.Equal(MessageKind.Welcome, reader.Read()!.Value.Kind);
            reader.Read();
            var (second, reader2, _) = Connect(slot.Key);
            using (second)
            {
                Frame answer = reader2.Read()!.Value;
                Assert.Equal(MessageKind.Refused, answer.Kind);
                Assert.Equal("this job is connected already", answer.Reader().String());
            }
            Assert.False(slot.HasEnded);   // the first one still runs the job
        }
    }

    /// <summary>No in-job command is asked in these tests.</summary>
    private sealed class UnusedHost : IJobHost
    {
        public JobCountLimit? JobLimit => null;
        public bool KeepTmp => false;
        public bool SourceOk => false;
        public bool RunsLocally => false;
        public IReadOnlyList<string> BackendArgs => [];
        public int Nice => 0;
        public DateTime EtaUtc => DateTime.UtcNow;
        public bool ShowsStdout => false;
        public void ShowStdoutLine(string line) => throw new NotSupportedException();
        public void Warn(string line) => throw new NotSupportedException();
        public void PastQueue() => throw new NotSupportedException();
        public void Started() => throw new NotSupportedException();
        public Task<IReadOnlyList<DepVerdict>> MakeDeps(IReadOnlyList<string> files, Func<Task, Task> whileWaiting) => throw new NotSupportedException();
        public bool CheckDeps(IReadOnlyList<string> depsSoFar) => throw new NotSupportedException();
        public bool IsSource(string name) => throw new NotSupportedException();
        public bool IsFileOnDisk(string name) => throw new NotSupportedException();
        public Task<(string Code, string Entry)> Encode(string table, string context, string value, int minLen) => throw new NotSupportedException();
        public Task<(string? Value, string Entry)> Decode(string table, string context, string code) => throw new NotSupportedException();
    }
}
