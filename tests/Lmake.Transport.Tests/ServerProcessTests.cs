// The life of a server process for a repo, in process: lock, key, LMAKE/server, loser exits, unpublish.
using Lmake.Common.Protocol;
using Lmake.Server.Transport;

namespace Lmake.Transport.Tests;

public class ServerProcessTests
{
    [Fact]
    public void PublishesAddressAndKeyServesThenUnpublishesWhenIdle()
    {
        using var repo = new Lmake.EndToEnd.Tests.TempDir();
        var files = new ServerFiles(repo.Path);
        var handler = new FakeHandler();
        var logText = new StringWriter();
        var log = new ServerLog(TextWriter.Synchronized(logText));
        var server = DedicatedThread.Run(() => ServerProcess.Run(repo.Path, TimeSpan.FromSeconds(2), _ => handler, log));
        ServerHostTests.WaitFor(() => files.ReadAddress() is not null);

        ServerAddress address = files.ReadAddress()!.Value;
        Assert.Equal(Environment.ProcessId, address.Pid);
        Assert.Equal(System.Net.IPAddress.Loopback, address.EndPoint.Address);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(files.KeyFile));
        Assert.True(FileLock.IsHeld(files.LockFile));

        using (var c = new TestClient(address.EndPoint))
        {
            Assert.Null(c.Hello(files.ReadKey()!));
            c.Request("echo", "hi");
            var (lines, code) = c.ReadAnswer();
            Assert.Equal(["out:hi", "err:cwd=/tmp var=v"], lines);
            Assert.Equal(1, code);
        }

        // A second server for the same repo loses the lock and returns at once, leaving the first in place.
        var second = DedicatedThread.Run(() => ServerProcess.Run(repo.Path, TimeSpan.FromMinutes(1), _ => new FakeHandler(), log));
        Assert.True(second.Wait(TimeSpan.FromSeconds(10)), "second server did not return:\n" + logText);
        Assert.Equal(0, second.Result);

        Assert.True(server.Wait(TimeSpan.FromSeconds(10)), "the server did not stop when idle:\n" + logText);
        Assert.Equal(0, server.Result);
        Assert.False(File.Exists(files.AddressFile));
        Assert.True(handler.Disposed, "the engine must close its files before the lock goes");
        Assert.False(FileLock.IsHeld(files.LockFile));
    }
}
