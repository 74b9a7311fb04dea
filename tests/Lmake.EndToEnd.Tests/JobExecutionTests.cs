// How a job is started and what it runs in (rules.md: shell, autodep, auto_mkdir; execution.md: tmp dir;
// config.md: link_support): an interpreter of the repo named bare and its "#!" chain are deps, autodep may be
// an f-string, a chdir into a missing dir makes it with auto_mkdir, a $TMPDIR of the rule holds the job's own
// empty tmp dir (removed after), and may not go through a symlink unless link_support is 'full_ext'.
namespace Lmake.EndToEnd.Tests;

public class JobExecutionTests
{
    [Fact]
    public void AnInterpreterOfTheRepoAndItsChainAreDeps()
    {
        using var r = new LmakeRepo("""
            from lmake.rules import Rule
            class Run(Rule):
                target = r'run{N:\d}'
                shell  = ('script{N}',)
                cmd    = ''
            """);
        r.Repo.Add("base", "#!/bin/bash\necho \"from base\" > run1\n");
        r.Repo.Add("script1", "#!base\n");
        File.SetUnixFileMode(r.Repo["base"], (UnixFileMode)0b111_101_101);
        File.SetUnixFileMode(r.Repo["script1"], (UnixFileMode)0b111_101_101);
        LmakeOutput first = r.Lmake("run1");
        Assert.True(first.Result.ExitCode == 0, first.ToString());
        Assert.Equal(["done"], first.Words("run1"));
        Assert.Equal(["new"], first.Words("script1"));
        Assert.Equal(["new"], first.Words("base"));
        Assert.Equal("from base\n", r.Repo.Read("run1"));

        // the interpreter at the end of the chain changed: the job runs again
        r.Repo.Write("base", "#!/bin/bash\necho \"from base, again\" > run1\n");
        LmakeOutput second = r.Lmake("run1");
        Assert.True(second.Result.ExitCode == 0, second.ToString());
        Assert.Equal(["done"], second.Words("run1"));
        Assert.Equal("from base, again\n", r.Repo.Read("run1"));
    }

    [Fact]
    public void AutodepMayBeAnFString()
    {
        using var r = new LmakeRepo("""
            from lmake.rules import Rule
            class Copy(Rule):
                target  = r'copy.{Method:\w+}'
                autodep = '{Method}'
                cmd     = 'cat src > copy.{Method}'
            """);
        r.Repo.Add("src", "text\n");
        LmakeOutput o = r.Lmake("copy.ld_preload", "copy.ptrace");
        Assert.True(o.Result.ExitCode == 0, o.ToString());
        Assert.Equal(["done"], o.Words("copy.ld_preload"));
        Assert.Equal(["done"], o.Words("copy.ptrace"));
        Assert.Equal(["new"], o.Words("src"));
        LmakeOutput bad = r.Lmake("copy.nonsense");
        Assert.NotEqual(0, bad.Result.ExitCode);
        Assert.DoesNotContain(new Status("done", "Copy", "copy.nonsense"), bad.Statuses);
    }

    [Theory]
    [InlineData("ld_preload")]
    [InlineData("ptrace")]
    public void AutoMkdirMakesTheDirAChdirGoesTo(string method)
    {
        using var r = new LmakeRepo($$"""
            from lmake.rules import Rule
            class Made(Rule):
                target = r'later/made{N:\d}'
                cmd    = 'echo made{N} > later/made{N}'
            class Enter(Rule):
                target     = r'enter{N:\d}'
                auto_mkdir = True
                autodep    = '{{method}}'
                shell      = Rule.shell + ('-e',)
                cmd        = 'cd later ; cat made{N} > ../enter{N}'
            """);
        // without auto_mkdir the cd fails and the dep later/made1 is never seen; with it, it is made and read
        LmakeOutput o = r.Lmake("enter1");
        Assert.True(o.Result.ExitCode == 0, o.ToString());
        Assert.Equal(["may_rerun", "done"], o.Words("enter1"));
        Assert.Equal(["done"], o.Words("later/made1"));
    }

    [Fact]
    public void AutoMkdirTurnedOnAfterAFailedChdirRunsTheJobOnceMore()
    {
        // the first build looks at the missing dir (the cd fails); once the rule gains auto_mkdir, the dir the job
        // makes is no longer the absent one lmake remembered: the job reruns once for its dep, then is done
        const string rules = """
            from lmake.rules import Rule
            class Made(Rule):
                target = r'later/made{N:\d}'
                cmd    = 'echo made{N}'
            class Enter(Rule):
                target     = r'enter{N:\d}'
                auto_mkdir = AUTO
                shell      = Rule.shell + ('-e',)
                cmd        = 'cd later ; cat made{N}'
            """;
        using var r = new LmakeRepo(rules.Replace("AUTO", "False"));
        LmakeOutput first = r.Lmake("enter1");
        Assert.Equal(1, first.Result.ExitCode);
        Assert.Equal(["failed"], first.Words("enter1"));
        r.Repo.Add("Lmakefile.py", rules.Replace("AUTO", "True"));
        LmakeOutput second = r.Lmake("enter1");
        Assert.True(second.Result.ExitCode == 0, second.ToString());
        Assert.Equal(["may_rerun", "done"], second.Words("enter1"));
        Assert.Equal(["done"], second.Words("later/made1"));
        Assert.Equal("made1\n", r.Repo.Read("enter1"));
    }

    [Fact]
    public void WithoutAutoMkdirAChdirToAMissingDirFails()
    {
        using var r = new LmakeRepo("""
            from lmake.rules import Rule
            class Enter(Rule):
                target = 'enter'
                shell  = Rule.shell + ('-e',)
                cmd    = 'cd nowhere ; echo never > ../enter'
            """);
        LmakeOutput o = r.Lmake("enter");
        Assert.Equal(1, o.Result.ExitCode);
        Assert.Equal(["failed"], o.Words("enter"));
        Assert.False(Directory.Exists(r.Repo["nowhere"]));
    }

    [Fact]
    public void ARuleTmpdirHoldsAFreshDirOfTheJobRemovedAfter()
    {
        using var outside = new TempDir();
        string tmp = Path.Combine(outside.Path, "tmp");
        Directory.CreateDirectory(tmp);
        File.WriteAllText(Path.Combine(tmp, "left_by_someone"), "");
        using var r = new LmakeRepo($$"""
            from lmake.rules import Rule
            class Use(Rule):
                target            = r'use{N:\d}'
                environ_resources = {'TMPDIR': '{{tmp}}'}
                cmd               = '(ls -A $TMPDIR | wc -l ; echo $TMPDIR) > use{N} ; echo x > $TMPDIR/scratch'
            """);
        LmakeOutput o = r.Lmake("use1");
        Assert.True(o.Result.ExitCode == 0, o.ToString());
        Assert.Equal(["done"], o.Words("use1"));
        string[] seen = File.ReadAllLines(r.Repo["use1"]);
        Assert.Equal("0", seen[0].Trim());                                // empty at the start
        Assert.StartsWith(tmp + "/", seen[1]);                            // inside the rule's dir
        Assert.Equal(["left_by_someone"], Directory.GetFileSystemEntries(tmp).Select(Path.GetFileName)); // removed after
    }

    [Fact]
    public void ARuleTmpdirThroughASymlinkNeedsFullExtLinkSupport()
    {
        using var outside = new TempDir();
        Directory.CreateDirectory(Path.Combine(outside.Path, "tmp"));
        string link = Path.Combine(outside.Path, "tmp_link");
        File.CreateSymbolicLink(link, Path.Combine(outside.Path, "tmp"));
        string lmakefile = $$"""
            import lmake
            from lmake.rules import Rule
            LINK_SUPPORT
            class Use(Rule):
                target            = 'use'
                environ_resources = {'TMPDIR': '{{link}}'}
                cmd               = 'echo x > $TMPDIR/scratch ; echo ok > use'
            """;
        using (var r = new LmakeRepo(lmakefile.Replace("LINK_SUPPORT", "")))
        {
            LmakeOutput o = r.Lmake("use");
            Assert.Equal(1, o.Result.ExitCode);
            Assert.Equal(["failed"], o.Words("use"));
            Assert.Contains(o.Other, l => l.Contains("symbolic link") && l.Contains("full_ext"));
        }
        using (var r = new LmakeRepo(lmakefile.Replace("LINK_SUPPORT", "lmake.config.link_support = 'full_ext'")))
        {
            LmakeOutput o = r.Lmake("use");
            Assert.True(o.Result.ExitCode == 0, o.ToString());
            Assert.Equal(["done"], o.Words("use"));
        }
    }
}
