// ServerHost in process with a fake handler: authentication, concurrency, cancellation, idle exit.
using System.Diagnostics;
using System.Net.Sockets;
using Lmake.Common.Protocol;
using Lmake.Server.Transport;

namespace Lmake.Transport.Tests;

public sealed class ServerHostTests : IDisposable
{
    private const string Key = "test-key";
    private readonly FakeHandler _handler = new();
    private readonly ServerHost _host;
    private readonly Thread _runner;

    public ServerHostTests()
    {
        _host = new ServerHost(_handler, Key, TimeSpan.FromMinutes(5), ServerLog.None);
        _runner = new Thread(_host.RunUntilIdle) { IsBackground = true };
        _runner.Start();
    }

    public void Dispose()
    {
        _host.Dispose();
        _runner.Join(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void ListensOnLoopbackOnly()
    {
        Assert.Equal(System.Net.IPAddress.Loopback, _host.EndPoint.Address);
    }

    [Fact]
    public void RequestLinesAndExitCodeReachTheClientInOrder()
    {
        using var c = new TestClient(_host.EndPoint);
        Assert.Null(c.Hello(Key));
        c.Request("echo", "a", "b c", "d");
        var (lines, code) = c.ReadAnswer();
        Assert.Equal(["out:a", "out:b c", "out:d", "err:cwd=/tmp var=v"], lines);
        Assert.Equal(3, code);
        Assert.True(c.ClosedByServer());
        ClientRequest seen = Assert.Single(_handler.Seen);
        Assert.Equal("/tmp", seen.RepoRoot);
        Assert.False(seen.StdoutIsTerminal);
    }

    [Fact]
    public void WrongKeyIsRefusedAndNothingIsServed()
    {
        using var c = new TestClient(_host.EndPoint);
        Assert.Equal("bad key", c.Hello("not-the-key"));
        Assert.True(c.ClosedByServer());
        Assert.Empty(_handler.Seen);
    }

    [Fact]
    public void ClientSpeakingFirstWithoutHelloIsRefused()
    {
        using var c = new TestClient(_host.EndPoint);
        c.Request("echo", "x");
        Frame? f = c.Reader.Read();
        Assert.Equal(MessageKind.Refused, f!.Value.Kind);
        Assert.Empty(_handler.Seen);
    }

    [Fact]
    public void SeveralClientsAreServedAtOnce()
    {
        const int n = 4;
        _handler.Together = new Barrier(n);
        var answers = Enumerable.Range(0, n).Select(_ => DedicatedThread.Run(() =>
        {
            using var c = new TestClient(_host.EndPoint);
            Assert.Null(c.Hello(Key));
            c.Request("together");
            return c.ReadAnswer();
        })).ToArray();
        Assert.True(Task.WaitAll(answers, TimeSpan.FromSeconds(30)));
        foreach (var a in answers)
        {
            Assert.Equal(["out:met"], a.Result.Lines);
            Assert.Equal(0, a.Result.Code);
        }
    }

    [Fact]
    public void ClientHangingUpCancelsItsRequest()
    {
        var c = new TestClient(_host.EndPoint);
        Assert.Null(c.Hello(Key));
        c.Request("wait");
        Assert.True(_handler.Started.Task.Wait(TimeSpan.FromSeconds(10)));
        c.Dispose();
        Assert.True(_handler.CancelSeen.Task.Wait(TimeSpan.FromSeconds(10)), "the handler's token did not fire");
        WaitFor(() => _host.ActiveClients == 0);
    }

    [Fact]
    public void CancelMessageStopsTheRequestAndTheExitCodeStillArrives()
    {
        using var c = new TestClient(_host.EndPoint);
        Assert.Null(c.Hello(Key));
        c.Request("wait");
        Frame first = c.Reader.Read()!.Value;
        Assert.Equal(MessageKind.Out, first.Kind);
        c.Writer.Write(MessageKind.Cancel);
        var (lines, code) = c.ReadAnswer();
        Assert.Equal(["out:stopped"], lines);
        Assert.Equal(42, code);   // 42: the handler saw the cancel (it answers 0 after waiting 20 s without one)
    }

    [Fact]
    public void AClientThatDoesNotReadNeverBlocksTheHandler()
    {
        using var c = new TestClient(_host.EndPoint);
        Assert.Null(c.Hello(Key));
        c.Request("flood");
        Assert.True(_handler.FloodWritten.Task.Wait(TimeSpan.FromSeconds(20)), "the handler waited for the client");
        var (lines, code) = c.ReadAnswer();
        Assert.Equal(0, code);
        Assert.Equal(200_000, lines.Count);
        Assert.Equal("out:line 199999 of a flood of status lines", lines[^1]);
    }

    [Fact]
    public void HandlerExceptionIsAnInternalErrorNotACrash()
    {
        using (var c = new TestClient(_host.EndPoint))
        {
            Assert.Null(c.Hello(Key));
            c.Request("throw");
            var (lines, code) = c.ReadAnswer();
            Assert.Equal(2, code);
            Assert.Contains("internal error in lmakeserver: boom", Assert.Single(lines));
        }
        using var again = new TestClient(_host.EndPoint);
        Assert.Null(again.Hello(Key));
        again.Request("echo");
        Assert.Equal(0, again.ReadAnswer().Code);
    }

    internal static void WaitFor(Func<bool> condition, int timeoutMs = 10_000)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.ElapsedMilliseconds > timeoutMs) Assert.Fail("condition not reached in time");
            Thread.Sleep(10);
        }
    }
}

public class ServerHostIdleTests
{
    [Fact]
    public void WhenNoClientEverComesStopsAfterTheFirstClientGrace()
    {
        using var host = new ServerHost(new FakeHandler(), "k", TimeSpan.Zero, ServerLog.None);
        var clock = Stopwatch.StartNew();
        host.RunUntilIdle();
        // Not before the grace; the upper bound only says it did stop (the machine may be loaded).
        Assert.InRange(clock.Elapsed, ServerHost.FirstClientGrace - TimeSpan.FromMilliseconds(50), ServerHost.FirstClientGrace + TimeSpan.FromSeconds(60));
        // The listener is closed: a late client is refused and would start a server of its own.
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        Assert.Throws<SocketException>(() => socket.Connect(host.EndPoint));
    }

    [Fact]
    public void StaysWhileAClientIsConnectedThenStopsAfterTheGrace()
    {
        var handler = new FakeHandler();
        using var host = new ServerHost(handler, "k", TimeSpan.FromMilliseconds(300), ServerLog.None);
        var runner = DedicatedThread.Run(host.RunUntilIdle);
        var c = new TestClient(host.EndPoint);
        Assert.Null(c.Hello("k"));
        c.Request("wait");
        Assert.True(handler.Started.Task.Wait(TimeSpan.FromSeconds(10)));
        Thread.Sleep(1_000);   // well past the grace: a connected client keeps the server
        Assert.False(runner.IsCompleted);
        var clock = Stopwatch.StartNew();
        c.Dispose();
        Assert.True(runner.Wait(TimeSpan.FromSeconds(10)));
        Assert.True(clock.ElapsedMilliseconds >= 250, $"stopped before its grace: {clock.Elapsed}");
    }
}
