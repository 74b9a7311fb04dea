// A new server's lstats made ahead (StatPrefetch) stand for a stat only while nothing happened where the file is: on a
// real directory with real inotify watches, a file edited after its lstat was made ahead is seen as edited, the
// others are taken from the prefetch (issue 18: the cold no-op).
using Lmake.Server.State;

namespace Lmake.Server.Tests.Engine;

public class StatPrefetchTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("lmake-prefetch-test.").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private Server.Engine.Graph NewServer() => new(_root, new GraphStore(Path.Combine(_root, "LMAKE")), serving: true);

    private void Write(string name, string content)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(_root, name))!);
        File.WriteAllText(Path.Combine(_root, name), content);
    }

    [Fact]
    public void AnEditAfterTheLstatMadeAheadIsSeen()
    {
        Directory.CreateDirectory(Path.Combine(_root, "LMAKE"));
        string[] names = ["top", "src/a.c", "src/b.c", "src/sub/c.c"];
        foreach (string n in names) Write(n, "first " + n);
        var before = new Dictionary<string, Lmake.Common.Checksums.FileChecksum>();
        Server.Engine.Graph first = NewServer();
        foreach (string n in names) before[n] = first.Refresh(first.Node(n));
        first.Store.Seal();

        Server.Engine.Graph second = NewServer();
        second.StartPrefetch();
        second.AwaitPrefetchNames();
        second.AwaitPrefetchDone();
        // edited once its lstat was made ahead: only the watch's event says so (and of its directory only)
        Write("src/sub/c.c", "second, longer than the first");
        second.NewEpoch();
        Assert.Equal(before["top"], second.Refresh(second.Node("top")));
        Assert.Equal(before["src/a.c"], second.Refresh(second.Node("src/a.c")));
        Assert.Equal(before["src/b.c"], second.Refresh(second.Node("src/b.c")));
        Assert.NotEqual(before["src/sub/c.c"], second.Refresh(second.Node("src/sub/c.c")));
        Assert.Equal(3, second.StatsTakenAhead);
        second.StopPrefetch();
        second.Store.Seal();
    }

    [Fact]
    public void AFileTheServerChangedIsStatedAgain()
    {
        Directory.CreateDirectory(Path.Combine(_root, "LMAKE"));
        Write("out", "first");
        Server.Engine.Graph first = NewServer();
        Lmake.Common.Checksums.FileChecksum was = first.Refresh(first.Node("out"));
        first.Store.Seal();

        Server.Engine.Graph second = NewServer();
        second.StartPrefetch();
        second.AwaitPrefetchNames();
        second.AwaitPrefetchDone();
        second.NewEpoch();
        Server.Engine.Node node = second.Node("out");
        // a job of this server rewrote it (same size, so only the date tells), before anything here looked at it
        Write("out", "again");
        Server.Engine.Graph.Invalidate(node);
        Assert.NotEqual(was, second.Refresh(node));
        Assert.Equal(0, second.StatsTakenAhead);
        second.StopPrefetch();
        second.Store.Seal();
    }
}
