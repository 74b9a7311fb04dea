// The life of one lmakeserver process for a repo (spec A9): take LMAKE/server.lock (a loser exits quietly:
// another server already serves the repo), write a fresh key (0600), listen on loopback, publish LMAKE/server,
// serve until idle, then unpublish before the lock is released, so a client never trusts a dead address
// while the lock looks held.
using System.Runtime.InteropServices;
using Lmake.Common;
using Lmake.Common.Protocol;

namespace Lmake.Server.Transport;

public static class ServerProcess
{
    public static readonly TimeSpan DefaultIdleGrace = TimeSpan.FromSeconds(1);

    /// <summary>Serves <paramref name="repoRoot"/> until idle; returns the process exit code.</summary>
    /// <param name="readyFd">a pipe to the client that started this server, told when the address is published</param>
    public static int Run(string repoRoot, TimeSpan idleGrace, Func<string, IRequestHandler> makeHandler, ServerLog log,
        int? readyFd = null)
    {
        ReadySignal? ready = ReadySignal.Adopt(readyFd);
        var files = new ServerFiles(repoRoot);
        Directory.CreateDirectory(files.AdminDir);
        FileLock? serverLock = FileLock.TryAcquire(files.LockFile);
        if (serverLock is null)
        {
            log.Write($"another server already serves {repoRoot}: exiting");
            return ExitCode.Ok;
        }
        int pid = Environment.ProcessId;
        IRequestHandler handler = makeHandler(repoRoot);
        try
        {
            string key = Hello.NewKey();
            files.WriteKey(key);
            using var host = new ServerHost(handler, key, idleGrace, log);
            if (handler is IServerStopper stopper) stopper.StopServer = host.StopAccepting;
            using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; host.Stop(); });
            using var intr = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; host.Stop(); });
            using var hup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, c => { c.Cancel = true; host.Stop(); });
            files.WriteAddress(new ServerAddress(host.EndPoint, pid));
            ready?.Send();
            log.Write($"server {pid} listening on {host.EndPoint} for {repoRoot}");
            host.RunUntilIdle();
            log.Write($"server {pid} idle: exiting");
        }
        finally
        {
            files.RemoveAddressIfOwnedBy(pid);
            // The lock says "the repo's state is in use": it may go only once the engine has closed its files.
            // A handler that cannot be disposed keeps them until the process exits, and so does the lock (the
            // kernel releases both then).
            if (handler is IDisposable disposable)
            {
                disposable.Dispose();
                serverLock.Dispose();
            }
        }
        return ExitCode.Ok;
    }
}
