// A damaged LMAKE/ store is refused with one message naming the file and what to do; nothing crashes.
namespace Lmake.EndToEnd.Tests;

public class CorruptStateTests
{
    [Fact]
    public void AGarbageStoreFileIsNamedWithAHint()
    {
        using var r = new LmakeRepo(LmakeRepo.CopyLmakefile);
        r.Repo.Add("a", "1\n");
        Assert.Equal(0, r.Lmake("a.copy").Result.ExitCode);
        // let the server go idle and exit: it must not hold the store while the test damages it
        int pid = int.Parse(File.ReadAllLines(r.Repo["LMAKE/server"])[1]);
        for (int i = 0; i < 100 && IsAlive(pid); i++) Thread.Sleep(100);
        Assert.False(IsAlive(pid), "the server did not exit when idle");
        // an exiting process shows as a zombie while its last threads still hold its files (and the store's lock)
        for (int i = 0; ; i++)
        {
            try { File.WriteAllText(r.Repo["LMAKE/store/nodes"], "garbage"); break; }
            catch (IOException) when (i < 100) { Thread.Sleep(100); }
        }
        LmakeOutput o = r.Lmake("a.copy");
        Assert.Equal(5, o.Result.ExitCode);   // a damaged store (ExitCode.BadState)
        Assert.Contains("LMAKE/store/nodes", o.Result.Stderr);
        Assert.Contains("consider : rm -rf", o.Result.Stderr);
        Assert.DoesNotContain("   at ", o.Result.Stderr);   // no .NET stack trace
        Assert.Equal("1\n", r.Repo.Read("a.copy"));       // nothing lost
    }

    private static bool IsAlive(int pid)
    {
        string stat = $"/proc/{pid}/stat";
        if (!File.Exists(stat)) return false;
        try { return File.ReadAllText(stat).Split(')')[1].Trim()[0] != 'Z'; }   // a zombie is dead
        catch (IOException) { return false; }
    }
}
