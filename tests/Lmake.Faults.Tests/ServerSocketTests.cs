// The server's socket as anyone on the machine may reach it: a peer that never speaks, one that sends random
// bytes, one that announces a huge frame, one with a wrong key and one that sends its request with no hello (no
// key); none of them keeps the real client from being served, the silent one is let go, and the two that ask for a
// build are refused and never get one. A server stopped by SIGSTOP is said so by the client at once, which never hangs on it.
using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Lmake.Common.Protocol;
using Lmake.EndToEnd.Tests;
using Xunit.Abstractions;

namespace Lmake.Faults.Tests;

public class ServerSocketTests(ITestOutputHelper output)
{
    private static readonly Dictionary<string, string?> KeepServer = new() { ["LMAKE_SERVER_IDLE_MS"] = "30000" };

    [Fact]
    public void StrangePeersNeitherBlockNorCrashTheServer()
    {
        int rounds = Math.Min(FaultReport.Rounds(@short: 2), 10);   // each round waits out the silent peer
        var random = new Random(77);
        using var g = new FaultGraph(seed: 5);
        var problems = new List<string>();
        for (int round = 0; round < rounds; round++)
        {
            g.ChangeSomeSources();
            Assert.Equal(0, Lmake(g, "o1").ExitCode);   // a server, kept alive for the round
            IPEndPoint server = IPEndPoint.Parse(File.ReadAllLines(g.Repo.Repo["LMAKE/server"])[0]);
            using Socket silent = Connect(server);
            using Socket noisy = Connect(server);
            using Socket huge = Connect(server);
            var garbage = new byte[1 + random.Next(65536)];
            random.NextBytes(garbage);
            SendIgnoringReset(noisy, garbage);
            var header = new byte[4];
            BinaryPrimitives.WriteInt32LittleEndian(header, int.MaxValue);
            SendIgnoringReset(huge, header);
            // two peers that ask for a build of every target: one with a key of its own, one with no hello at all
            using Socket wrongKey = Connect(server);
            using Socket noKey = Connect(server);
            byte[] request = Frames((MessageKind.Request, AskForAll(g)));
            SendIgnoringReset(wrongKey, Frames((MessageKind.Hello, Hello.Encode(Hello.NewKey()).WrittenSpan.ToArray())).Concat(request).ToArray());
            SendIgnoringReset(noKey, request);
            var sw = Stopwatch.StartNew();
            CommandResult real = Lmake(g, "final");
            foreach ((string who, Socket peer) in new[] { ("a peer with a wrong key", wrongKey), ("a peer with no key", noKey) })
                if (Answer(peer) is string wrong) problems.Add($"round {round}: {who}: {wrong}");
            if (real.ExitCode != 0) problems.Add($"round {round}: the real client ended {real.ExitCode}\n{real}");
            foreach (string t in g.WrongTargets()) problems.Add($"round {round}: {t} is wrong");
            // the silent peer is let go (the handshake has a deadline): its socket reads the end
            silent.ReceiveTimeout = 30_000;
            try
            {
                if (silent.Receive(new byte[16]) != 0) problems.Add($"round {round}: the server spoke to a peer that said nothing");
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset) { }
            catch (SocketException e) { problems.Add($"round {round}: the silent peer was not let go ({e.SocketErrorCode})"); }
            // refused for the reason meant, not for a request this test would have garbled
            string log = File.ReadAllText(g.Repo.Repo["LMAKE/server.log"]);
            foreach (string reason in new[] { "client refused: bad key", "client refused: expected hello" })
                if (!log.Contains(reason)) problems.Add($"round {round}: the server's log lacks '{reason}'");
            if (Processes.ServerPid(g.Repo.Repo) is not int pid || !Processes.IsAlive(pid)) problems.Add($"round {round}: the server died");
            output.WriteLine($"round {round}: served in {sw.ElapsedMilliseconds} ms beside the strange peers");
            g.Repo.Repo.KillServer();
            Processes.WaitServerGone(g.Repo.Repo, TimeSpan.FromSeconds(30));
        }
        FaultReport.Write(output, $"strange peers on the server socket: {rounds} rounds of 5 peers; requests served without the key: 0 expected; real clients not served or crashes: {problems.Count}");
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void AClientOfAStoppedServerSaysSoAndEnds()
    {
        using var g = new FaultGraph(seed: 6);
        Assert.Equal(0, Lmake(g, "o1").ExitCode);
        int pid = Processes.ServerPid(g.Repo.Repo)!.Value;
        Process.Start("kill", ["-STOP", pid.ToString()])!.WaitForExit();
        try
        {
            var sw = Stopwatch.StartNew();
            CommandResult stuck = Lmake(g, "final");
            Assert.Equal(4, stuck.ExitCode);
            Assert.Contains("is stopped", stuck.Stderr);
            Assert.True(sw.Elapsed < TimeSpan.FromSeconds(30), $"the client waited {sw.Elapsed} for a stopped server");
        }
        finally { Process.Start("kill", ["-CONT", pid.ToString()])!.WaitForExit(); }
        CommandResult after = Lmake(g, "final");
        Assert.True(after.ExitCode == 0, after.ToString());
        Assert.Empty(g.WrongTargets());
        FaultReport.Write(output, "stopped server: the client said so and ended (exit 4); continued, it served the next build");
    }

    private static CommandResult Lmake(FaultGraph g, string target) =>
        Installed.Run(Installed.Bin("lmake"), [target], g.Repo.Repo.Path, KeepServer, timeout: TimeSpan.FromMinutes(2));

    // a request as lmake sends it after the hello: build every target of the graph
    private static byte[] AskForAll(FaultGraph g) =>
        new RequestMessage("lmake", ["final"], g.Repo.Repo.Path, g.Repo.Repo.Path, new Dictionary<string, string>(), false)
            .Encode().WrittenSpan.ToArray();

    private static byte[] Frames(params (MessageKind Kind, byte[] Payload)[] frames)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        foreach ((MessageKind kind, byte[] payload) in frames) FrameWriter.Append(buffer, kind, payload);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>What is wrong in the server's answer to a peer that should have been refused, null when nothing.</summary>
    private static string? Answer(Socket peer)
    {
        peer.ReceiveTimeout = 30_000;
        var frames = new List<MessageKind>();
        try
        {
            using var stream = new NetworkStream(peer, ownsSocket: false);
            var reader = new FrameReader(stream);
            while (reader.Read() is Frame f) frames.Add(f.Kind);
        }
        catch (Exception e) when (e is IOException or SocketException or ProtocolException) { }
        if (frames.Contains(MessageKind.Welcome) || frames.Contains(MessageKind.Exit) || frames.Contains(MessageKind.Out))
            return $"was served: {string.Join(", ", frames)}";
        return null;
    }

    private static Socket Connect(IPEndPoint server)
    {
        var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        s.Connect(server);
        return s;
    }

    private static void SendIgnoringReset(Socket s, byte[] data)
    {
        try { s.Send(data); }
        catch (SocketException) { }   // the server may close it before all is sent: that is its right
    }
}
