// The server's socket as anyone on the machine may reach it: a peer that never speaks, one that sends random
// bytes, one that announces a huge frame; none of them keeps the real client from being served, and the silent one
// is let go. A server stopped by SIGSTOP is said so by the client at once, which never hangs on it.
using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
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
            var sw = Stopwatch.StartNew();
            CommandResult real = Lmake(g, "final");
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
            if (Processes.ServerPid(g.Repo.Repo) is not int pid || !Processes.IsAlive(pid)) problems.Add($"round {round}: the server died");
            output.WriteLine($"round {round}: served in {sw.ElapsedMilliseconds} ms beside the strange peers");
            g.Repo.Repo.KillServer();
            Processes.WaitServerGone(g.Repo.Repo, TimeSpan.FromSeconds(30));
        }
        FaultReport.Write(output, $"strange peers on the server socket: {rounds} rounds of 3 peers; real clients not served or crashes: {problems.Count}");
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
