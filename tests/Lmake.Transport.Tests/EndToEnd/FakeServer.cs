// A server of the test's own (ServerHost + FakeHandler) published in a repo's LMAKE/ exactly as lmakeserver
// does, so the installed client can be checked line by line against a handler whose answers are known.
using Lmake.Common.Protocol;
using Lmake.EndToEnd.Tests;
using Lmake.Server.Transport;

namespace Lmake.Transport.Tests.EndToEnd;

internal sealed class FakeServer : IDisposable
{
    public readonly FakeHandler Handler = new();
    public readonly ServerFiles Files;
    private readonly ServerHost _host;
    private readonly FileLock _lock;

    public FakeServer(TempDir repo, string? keyInFile = null)
    {
        Files = new ServerFiles(repo.Path);
        Directory.CreateDirectory(Files.AdminDir);
        // Held like lmakeserver holds it: otherwise a client would take the repo for server-less and start one.
        _lock = FileLock.TryAcquire(Files.LockFile) ?? throw new InvalidOperationException("lock held");
        string key = Hello.NewKey();
        _host = new ServerHost(Handler, key, TimeSpan.FromMinutes(5), ServerLog.None);
        new Thread(_host.RunUntilIdle) { IsBackground = true }.Start();
        Files.WriteKey(keyInFile ?? key);
        Files.WriteAddress(new ServerAddress(_host.EndPoint, Environment.ProcessId));
    }

    public void Dispose()
    {
        _host.Dispose();
        _lock.Dispose();
    }
}
