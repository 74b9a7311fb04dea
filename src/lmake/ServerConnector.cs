// Finds the server of a repo or starts one (spec A9). LMAKE/server says where a server listens; if nothing
// answers there (no file, connection refused, dead pid: the leftovers of a kill -9) and no process holds
// LMAKE/server.lock, the client starts _bin/lmakeserver detached and waits for it to publish its address.
// Several clients may do this at once: the servers that lose the lock exit, every client meets the winner.
using Lmake.Common;
using Lmake.Common.Protocol;
using Lmake.Common.Sockets;

namespace Lmake.Client;

internal static class ServerConnector
{
    /// <summary>How long a client waits for a server to appear (an engine may need a while to boot).</summary>
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    /// <summary>A server we started may take this long to take its lock: do not start another before.</summary>
    private static readonly TimeSpan RespawnDelay = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan HandshakeTimeout = TimeSpan.FromSeconds(10);
    /// <summary>A server may refuse while its key file is being replaced; refusals for longer are final.</summary>
    private static readonly TimeSpan RefusalTimeout = TimeSpan.FromSeconds(2);

    public static ServerConnection Connect(ServerFiles files, bool freshServer)
    {
        if (freshServer) WaitForNoServer(files);
        long deadline = Environment.TickCount64 + (long)StartTimeout.TotalMilliseconds;
        long? lastSpawn = null;
        int? spawned = null;
        string? lastRefusal = null;
        long? refusedSince = null;
        int pause = 5;
        while (true)
        {
            if (files.ReadAddress() is { } address && ProcessExists(address.Pid))
            {
                // a server stopped by a signal (^Z, SIGSTOP) answers nobody until continued: said at once, no wait
                if (IsStopped(address.Pid))
                    throw new ServerUnavailableException($"the server of {files.RepoRoot} (pid {address.Pid}) is stopped: " +
                        $"continue it (kill -CONT {address.Pid}) or end it (kill {address.Pid})");
                switch (TryHandshake(address, files.ReadKey(), out ServerConnection? connection, out string? refusal))
                {
                    case Handshake.Accepted: return connection!;
                    case Handshake.Refused:
                        lastRefusal = refusal;
                        refusedSince ??= Environment.TickCount64;
                        break;
                    case Handshake.NoAnswer:
                        refusedSince = null;
                        lastRefusal = null;
                        break;
                }
            }
            long now = Environment.TickCount64;
            if (refusedSince is long since && now - since > RefusalTimeout.TotalMilliseconds)
                deadline = now;
            if (now >= deadline)
                throw new ServerUnavailableException(lastRefusal is not null
                    ? $"the server of {files.RepoRoot} refused this client: {lastRefusal}"
                    : $"cannot start the server of {files.RepoRoot}{LogTail(files)}");
            // A server we started that failed (not a loser of the lock race, which exits 0) will not come.
            if (spawned is int pid && DetachedSpawn.TryGetExitCode(pid, out int exitCode))
            {
                spawned = null;
                if (exitCode == ExitCode.BadState)   // its store is damaged: the log says which file and what to do
                    throw new ServerUnavailableException($"the store of {files.RepoRoot} is damaged{LogTail(files)}", ExitCode.BadState);
                if (exitCode is ExitCode.SyscallFailed or ExitCode.Permission)   // no room, or a read-only disk: the log says which
                    throw new ServerUnavailableException($"the server of {files.RepoRoot} could not open its files: " +
                        (exitCode == ExitCode.SyscallFailed ? $"no space left on the device ({WriteRefused.NoSpaceAdvice})" : "read-only file system or no write permission")
                        + LogTail(files), exitCode);
                if (exitCode != ExitCode.Ok)
                    throw new ServerUnavailableException(
                        $"the server of {files.RepoRoot} failed to start (exit {exitCode}){LogTail(files)}");
            }
            if ((lastSpawn is null || now - lastSpawn >= RespawnDelay.TotalMilliseconds) && !FileLock.IsHeld(files.LockFile))
            {
                using ServerReadyPipe? ready = ServerReadyPipe.Create();
                spawned = Spawn(files, ready);
                lastSpawn = now;
                if (ready is not null)
                {
                    // it says when it listens, or exits (having lost the race to another server, or failed)
                    ready.Wait(deadline - now);
                    continue;
                }
            }
            Thread.Sleep(pause);
            pause = Math.Min(pause * 2, 50);
        }
    }

    private enum Handshake { Accepted, Refused, NoAnswer }

    private static Handshake TryHandshake(ServerAddress address, string? key, out ServerConnection? connection, out string? refusal)
    {
        connection = null;
        refusal = null;
        if (key is null) return Handshake.NoAnswer;
        LoopbackStream? socket = null;
        try
        {
            socket = LoopbackStream.Connect(address.EndPoint);
            socket.SetNoDelay();
            socket.ReceiveTimeout = HandshakeTimeout;
            var c = new ServerConnection(socket);
            c.Writer.Write(MessageKind.Hello, Hello.Encode(key));
            Frame? answer = c.Reader.Read();
            if (answer is { Kind: MessageKind.Welcome })
            {
                socket.ReceiveTimeout = TimeSpan.Zero;
                connection = c;
                return Handshake.Accepted;
            }
            if (answer is { Kind: MessageKind.Refused } r) refusal = r.Reader().String();
            c.Dispose();
            return refusal is null ? Handshake.NoAnswer : Handshake.Refused;
        }
        catch (Exception e) when (e is IOException or ProtocolException)
        {
            // Refused, reset (a server stopping), or something that is not our server on that port.
            socket?.Dispose();
            return Handshake.NoAnswer;
        }
    }

    /// <summary>-S: a fresh server, so first let the running one end (it does when its last client is gone).</summary>
    private static void WaitForNoServer(ServerFiles files)
    {
        bool told = false;
        while (FileLock.IsHeld(files.LockFile))
        {
            if (!told) Console.Error.WriteLine("waiting for the running server to end (-S)");
            told = true;
            Thread.Sleep(50);
        }
    }

    private static int Spawn(ServerFiles files, ServerReadyPipe? ready)
    {
        try { Directory.CreateDirectory(files.AdminDir); }
        catch (UnauthorizedAccessException)
        {
            throw new UnauthorizedAccessException($"permission denied: cannot create {files.AdminDir}, where the server keeps its files");
        }
        RotateLog(files);
        string exe = Path.Combine(InstallLayout.Current.PrivateBin, "lmakeserver");
        if (!File.Exists(exe)) throw new ServerUnavailableException($"cannot find {exe}");
        try
        {
            IEnumerable<string> environ = ServerGcSettings.ForServer(DetachedSpawn.CurrentEnviron());
            if (ready is null) return DetachedSpawn.Start(exe, ["--repo", files.RepoRoot], files.RepoRoot, files.LogFile, environ: environ);
            string[] args = ["--repo", files.RepoRoot, "--ready-fd", DetachedSpawn.HandedFd.ToString(System.Globalization.CultureInfo.InvariantCulture)];
            return DetachedSpawn.Start(exe, args, files.RepoRoot, files.LogFile, ready.WriteEnd, environ);
        }
        catch (IOException e)
        {
            throw new ServerUnavailableException(e.Message);
        }
        finally
        {
            ready?.CloseWriteEnd();
        }
    }

    /// <summary>Each server appends to LMAKE/server.log; past a size, the old lines move to server.log.old.</summary>
    private static void RotateLog(ServerFiles files)
    {
        const long MaxLogSize = 1 << 20;
        try
        {
            var log = new FileInfo(files.LogFile);
            if (log.Exists && log.Length > MaxLogSize) File.Move(files.LogFile, files.LogFile + ".old", overwrite: true);
        }
        catch (IOException) { }   // another client rotated it just now
    }

    private static bool ProcessExists(int pid) => Directory.Exists($"/proc/{pid}");

    /// <summary>Stopped by a signal (state T in /proc/PID/stat); a traced process (t) is left alone.</summary>
    private static bool IsStopped(int pid)
    {
        try
        {
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].StartsWith('T');
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentOutOfRangeException) { return false; }
    }

    private static string LogTail(ServerFiles files)
    {
        try
        {
            string[] lines = File.ReadAllLines(files.LogFile);
            return $" (last lines of {files.LogFile}):\n  " + string.Join("\n  ", lines[Math.Max(0, lines.Length - 5)..]);
        }
        catch (IOException)
        {
            return "";
        }
    }
}
