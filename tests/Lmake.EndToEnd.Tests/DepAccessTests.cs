// What a job looked at of a dep decides whether a change of that dep reruns it (ldepend(1): regular, link and
// stat accesses; a dep named by ldepend alone has none). A job that said may_rerun and turns out not to need the
// rerun ends with was_<its status>.
namespace Lmake.EndToEnd.Tests;

public class DepAccessTests
{
    [Fact]
    public void ADepOnlyReadlinkedIsNotRerunForAFileAppearing()
    {
        // probe.txt looks at the link text of made.txt only: made.txt appearing as a plain file is no change for it
        using var r = new LmakeRepo("""
            from lmake.rules import Rule
            class Made(Rule):
                target = 'made.txt'
                cmd    = 'echo made'
            class Probe(Rule):
                target = 'probe.txt'
                cmd    = 'readlink made.txt || echo not a link'
            """);
        LmakeOutput o = r.Lmake("probe.txt");
        Assert.Equal(0, o.Result.ExitCode);
        Assert.Equal(["may_rerun", "was_done"], o.Words("probe.txt"));
        Assert.Contains(new Status("done", "Made", "made.txt"), o.Statuses);
        Assert.Equal("not a link\n", r.Repo.Read("probe.txt"));
    }

    [Fact]
    public void ADepNamedByLdependIsWaitedForButItsContentReadsNothing()
    {
        using var r = new LmakeRepo("""
            from lmake.rules import Rule
            class Part(Rule):
                target = r'part{N:\d}.txt'
                cmd    = 'cat src{N}'
            class Named(Rule):
                target = 'named.txt'
                cmd    = 'ldepend part1.txt ; echo named'
            class Read(Rule):
                target = 'read.txt'
                cmd    = 'ldepend -R part2.txt ; echo read'
            """);
        r.Repo.Add("src1", "1\n");
        r.Repo.Add("src2", "2\n");
        LmakeOutput first = r.Lmake("named.txt", "read.txt");
        Assert.Equal(0, first.Result.ExitCode);
        // both are made before the job is done; only the one it read reruns it
        Assert.Equal(["may_rerun", "was_done"], first.Words("named.txt"));
        Assert.Equal(["may_rerun", "done"], first.Words("read.txt"));

        r.Repo.Write("src1", "one\n");
        r.Repo.Write("src2", "two\n");
        LmakeOutput second = r.Lmake("named.txt", "read.txt");
        Assert.Equal(0, second.Result.ExitCode);
        Assert.Contains(new Status("done", "Part", "part1.txt"), second.Statuses);
        Assert.Empty(second.Words("named.txt"));
        Assert.Equal(["steady"], second.Words("read.txt"));
    }

    [Fact]
    public void ADepInErrorReadFirstIsNotHiddenByARerun()
    {
        // the job read bad.txt (in error) before good.txt (made after): it is not run again, and is in error
        using var r = new LmakeRepo("""
            from lmake.rules import Rule
            class Bad(Rule):
                target = 'bad.txt'
                cmd    = 'exit 1'
            class Good(Rule):
                target = 'good.txt'
                cmd    = 'echo good'
            class Both(Rule):
                target = 'both.txt'
                cmd    = 'cat bad.txt good.txt'
            """);
        LmakeOutput o = r.Lmake("both.txt");
        Assert.Equal(1, o.Result.ExitCode);
        Assert.Equal(["may_rerun", "was_dep_error"], o.Words("both.txt"));
    }

    [Fact]
    public void AFailedRunThatReadADanglingFileKeepsItsOwnStatus()
    {
        // maker.txt writes left.txt without tracking it: left.txt is nobody's target, a dangling file
        using var r = new LmakeRepo("""
            from lmake.rules import Rule
            class Maker(Rule):
                targets = {'LEFT': ('left.txt', 'optional')}
                cmd     = 'ltarget -I {LEFT} ; echo left >{LEFT}'
            class User(Rule):
                target = 'user.txt'
                cmd    = 'cat left.txt'
            """);
        LmakeOutput o = r.Lmake("user.txt");
        Assert.Equal(1, o.Result.ExitCode);
        Assert.Equal(["may_rerun", "was_failed"], o.Words("user.txt"));
        Assert.Contains(new Status("dangling", "src", "left.txt"), o.Statuses);
        Assert.Contains(new Status("steady", "Maker", "left.txt"), o.Statuses);
    }

    [Fact]
    public void AChangedCriticalStaticDepLeavesTheDepsReadAfterItUnmade()
    {
        using var r = new LmakeRepo("""
            from lmake.rules import Rule
            class Item(Rule):
                target = r'item{N:\d}.txt'
                cmd    = 'echo {N}'
            class List(Rule):
                target = 'list.out'
                deps   = {'LST': ('list.src', 'critical')}
                cmd    = 'cat $(cat {LST})'
            """);
        r.Repo.Add("list.src", "item1.txt\n");
        Assert.Equal(0, r.Lmake("list.out").Result.ExitCode);
        File.Delete(r.Repo["item1.txt"]);
        r.Repo.Write("list.src", "item2.txt\n");
        LmakeOutput o = r.Lmake("list.out");
        Assert.Equal(0, o.Result.ExitCode);
        // item1.txt, read last time after list.src, is not made again: the job does not read it any more
        Assert.Empty(o.Words("item1.txt"));
        Assert.False(File.Exists(r.Repo["item1.txt"]));
        Assert.Equal("2\n", r.Repo.Read("list.out"));
    }

    [Fact]
    public void ACommandNotMadeYetIsADepOfTheJobThatRunsIt()
    {
        using var r = new LmakeRepo("""
            from lmake.rules import Rule
            class Tool(Rule):
                targets = {'TOOL': 'bin/tool'}   # (target = would send the cmd's stdout there)
                cmd     = 'ln -s /bin/echo {TOOL}'
            class Use(Rule):
                target = 'use.txt'
                cmd    = 'bin/tool used'
            """);
        LmakeOutput o = r.Lmake("use.txt");
        Assert.Equal(0, o.Result.ExitCode);
        Assert.Equal(["may_rerun", "done"], o.Words("use.txt"));
        Assert.Equal("used\n", r.Repo.Read("use.txt"));
    }
}
