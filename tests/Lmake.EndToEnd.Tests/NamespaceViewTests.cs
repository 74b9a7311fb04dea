// A job's namespace (rules.md: repo_view, tmp_view, lmake_view, views, chroot_dir): what the job sees there, and
// that what it reads through a view is a dep on the real file of the repo (it reruns when that file changes).
// The test repos live under /tmp, which also checks that a tmp_view of /tmp does not hide the repo from its job.
namespace Lmake.EndToEnd.Tests;

public class NamespaceViewTests
{
    [Fact]
    public void A_job_with_repo_view_runs_in_the_view_and_its_reads_there_are_deps()
    {
        using var r = new LmakeRepo("""
            from lmake.rules import Rule
            import lmake
            lmake.manifest = ('Lmakefile.py', 'src')
            class Where(Rule):
                repo_view = '/lmake_test_repo'
                target    = 'where'
                cmd       = 'pwd ; cat /lmake_test_repo/src ; echo $REPO_ROOT'
            """);
        r.Repo.Add("src", "first\n");
        LmakeOutput o = r.Lmake("where");
        Assert.True(o.Result.ExitCode == 0, o.ToString());
        Assert.Equal("/lmake_test_repo\nfirst\n/lmake_test_repo\n", r.Repo.Read("where"));
        Assert.False(Directory.Exists("/lmake_test_repo"), "the view is made in the job's own root, not on this machine");

        r.Repo.Write("src", "second\n");
        o = r.Lmake("where");
        Assert.Contains(new Status("done", "Where", "where"), o.Statuses);   // src, read as /lmake_test_repo/src, is a dep
        Assert.Equal("/lmake_test_repo\nsecond\n/lmake_test_repo\n", r.Repo.Read("where"));
    }

    [Fact]
    public void A_tmp_view_over_the_dir_holding_the_repo_leaves_the_repo_visible()
    {
        using var r = new LmakeRepo("""
            from lmake.rules import Rule
            import lmake
            lmake.manifest = ('Lmakefile.py', 'src')
            class InTmp(Rule):
                tmp_view = '/tmp'
                target   = 'tmp_out'
                cmd      = 'echo $TMPDIR ; cat src > /tmp/copy ; ls /tmp ; cat $TMPDIR/copy'
            """);
        r.Repo.Add("src", "hello\n");
        LmakeOutput o = r.Lmake("tmp_out");
        Assert.True(o.Result.ExitCode == 0, o.ToString());
        string[] lines = r.Repo.Read("tmp_out").Split('\n');
        Assert.Equal("/tmp", lines[0]);
        Assert.Contains("copy", lines);
        Assert.Equal("hello", lines[^2]);
        Assert.False(File.Exists("/tmp/copy"), "the job's /tmp is its own tmp dir");
    }

    [Fact]
    public void A_top_level_tmp_view_that_does_not_exist_is_made_for_the_job_only()
    {
        using var r = new LmakeRepo("""
            from lmake.rules import Rule
            class Top(Rule):
                tmp_view = '/lmake_test_tmp'
                target   = 'top'
                cmd      = 'echo $TMPDIR ; echo x > $TMPDIR/f ; cat /lmake_test_tmp/f'
            """);
        LmakeOutput o = r.Lmake("top");
        Assert.True(o.Result.ExitCode == 0, o.ToString());
        Assert.Equal("/lmake_test_tmp\nx\n", r.Repo.Read("top"));
        Assert.False(Directory.Exists("/lmake_test_tmp"));
    }

    [Theory]
    [InlineData("ld_preload")]
    [InlineData("ptrace")]
    public void Reads_through_a_bound_view_are_deps_on_the_physical_files(string autodep)
    {
        using var r = new LmakeRepo($$"""
            from lmake.rules import Rule
            import lmake
            lmake.manifest = ('Lmakefile.py', 'phy/dep')
            class Logical(Rule):
                autodep = '{{autodep}}'
                views   = { 'logical/' : 'phy/' }
                target  = 'out'
                cmd     = 'cat logical/dep'
            """);
        r.Repo.Add("phy/dep", "one\n");
        LmakeOutput o = r.Lmake("out");
        Assert.True(o.Result.ExitCode == 0, o.ToString());
        Assert.Equal("one\n", r.Repo.Read("out"));
        CommandResult deps = r.Repo.Run("lshow", "-d", "out");
        Assert.Contains("phy/dep", deps.Stdout);
        Assert.DoesNotContain("logical/dep", deps.Stdout);

        r.Repo.Write("phy/dep", "two\n");
        o = r.Lmake("out");
        Assert.Contains(new Status("done", "Logical", "out"), o.Statuses);
        Assert.Equal("two\n", r.Repo.Read("out"));
    }

    [Fact]
    public void Writes_through_a_bound_view_are_targets_under_the_physical_name()
    {
        using var r = new LmakeRepo("""
            from lmake.rules import Rule
            class Write(Rule):
                views   = { 'logical/' : 'phy/' }
                targets = { 'OUT' : 'phy/out' }
                cmd     = 'echo made > logical/out'
            """);
        LmakeOutput o = r.Lmake("phy/out");
        Assert.True(o.Result.ExitCode == 0, o.ToString());
        Assert.Contains(new Status("done", "Write", "phy/out"), o.Statuses);
        Assert.Equal("made\n", r.Repo.Read("phy/out"));
    }

    [Fact]
    public void An_overlay_view_writes_to_upper_and_leaves_lower_as_it_was()
    {
        using var r = new LmakeRepo("""
            from lmake.rules import Rule
            class Overlay(Rule):
                tmp_view = '/tmp'
                views    = { '/tmp/merged' : { 'upper':'/tmp/upper' , 'lower':'/tmp/lower' , 'copy_up':('sub/',) } }
                target   = 'overlay'
                cmd      = '''
                    echo low > /tmp/lower/x
                    echo up > /tmp/merged/x
                    cat /tmp/lower/x /tmp/upper/x
                    [ -d /tmp/upper/sub ] && echo copied_up
                '''
            """);
        LmakeOutput o = r.Lmake("overlay");
        Assert.True(o.Result.ExitCode == 0, o.ToString());
        Assert.Equal("low\nup\ncopied_up\n", r.Repo.Read("overlay"));
    }

    [Fact]
    public void With_lmake_view_the_job_finds_lmake_there()
    {
        using var r = new LmakeRepo("""
            from lmake.rules import Rule
            class Where(Rule):
                lmake_view = '/lmake_test_install'
                target     = 'where'
                cmd        = 'type -p lmake'
            """);
        LmakeOutput o = r.Lmake("where");
        Assert.True(o.Result.ExitCode == 0, o.ToString());
        Assert.Equal("/lmake_test_install/bin/lmake\n", r.Repo.Read("where"));
    }

    [Fact]
    public void Chroot_dir_slash_gives_the_job_its_own_mount_namespace_and_nothing_else()
    {
        using var r = new LmakeRepo("""
            from lmake.rules import Rule
            class Ns(Rule):
                chroot_dir = '/'
                target     = 'ns'
                cmd        = 'readlink /proc/self/ns/mnt ; pwd'
            """);
        LmakeOutput o = r.Lmake("ns");
        Assert.True(o.Result.ExitCode == 0, o.ToString());
        string[] lines = r.Repo.Read("ns").Split('\n');
        Assert.NotEqual(File.ResolveLinkTarget("/proc/self/ns/mnt", false)!.ToString(), lines[0]);
        Assert.Equal(Path.GetFullPath(r.Repo.Path), lines[1]);
    }

    [Fact]
    public void With_chroot_dir_the_job_runs_in_that_root_and_its_reads_of_the_repo_are_deps()
    {
        // a minimal system: bash and the libraries it loads (the shim needs only libc, which bash loads too)
        using var image = new ChrootImage();
        image.Write("marker", "inside the image\n");
        using var r = new LmakeRepo($$"""
            from lmake.rules import Rule
            import lmake
            lmake.manifest = ('Lmakefile.py', 'src')
            class Chroot(Rule):
                chroot_dir = '{{image.Path}}'
                repo_view  = '/repo'
                lmake_view = '/lmake'
                target     = 'out'
                cmd        = 'echo "$(< /marker)" ; pwd ; echo "$(< src)"'
            """);
        r.Repo.Add("src", "first\n");
        LmakeOutput o = r.Lmake("out");
        Assert.True(o.Result.ExitCode == 0, o.ToString());
        Assert.Equal("inside the image\n/repo\nfirst\n", r.Repo.Read("out"));
        r.Repo.Write("src", "second\n");
        o = r.Lmake("out");
        Assert.Contains(new Status("done", "Chroot", "out"), o.Statuses);
        Assert.Equal("inside the image\n/repo\nsecond\n", r.Repo.Read("out"));
    }

    [Fact]
    public void Another_view_value_reruns_the_job()
    {
        const string Rules = """
            from lmake.rules import Rule
            class Tmp(Rule):
                tmp_view = 'VIEW'
                target   = 'tmp'
                cmd      = 'echo $TMPDIR'
            """;
        using var r = new LmakeRepo(Rules.Replace("VIEW", "/lmake_test_t1"));
        Assert.True(r.Lmake("tmp").Result.ExitCode == 0);
        Assert.Equal("/lmake_test_t1\n", r.Repo.Read("tmp"));
        r.Repo.Add("Lmakefile.py", Rules.Replace("VIEW", "/lmake_test_t2"));
        LmakeOutput o = r.Lmake("tmp");
        Assert.Contains(new Status("done", "Tmp", "tmp"), o.Statuses);
        Assert.Equal("/lmake_test_t2\n", r.Repo.Read("tmp"));
    }

    [Fact]
    public void Ldebug_runs_the_job_in_its_views_and_shows_its_stdout()
    {
        using var r = new LmakeRepo("""
            from lmake.rules import Rule
            import lmake
            lmake.manifest = ('Lmakefile.py', 'phy/dep')
            class Logical(Rule):
                views  = { 'logical/' : 'phy/' }
                target = 'out'
                cmd    = 'cat logical/dep'
            """);
        r.Repo.Add("phy/dep", "seen through the view\n");
        Assert.True(r.Lmake("out").Result.ExitCode == 0);
        CommandResult debug = r.Repo.Run("ldebug", "-t", "out");
        Assert.True(debug.ExitCode == 0, debug.ToString());
        Assert.Equal("seen through the view\n", debug.Stdout);   // ldebug's own lines are on stderr
        Assert.Contains("script : ", debug.Stderr);
    }

    [Fact]
    public void A_view_that_cannot_be_set_up_fails_its_job_with_one_message()
    {
        using var r = new LmakeRepo("""
            from lmake.rules import Rule
            class Bad(Rule):
                views  = { '/no_such_dir_lmake/deeper' : '/usr/' }
                target = 'bad'
                cmd    = 'echo never'
            """);
        LmakeOutput o = r.Lmake("bad");
        Assert.Equal(1, o.Result.ExitCode);
        Assert.Contains(new Status("failed", "Bad", "bad"), o.Statuses);
        string all = o.Result.Stdout + o.Result.Stderr;
        Assert.Contains("/no_such_dir_lmake/deeper does not exist", all);
        Assert.DoesNotContain("   at ", all);   // no .NET stack trace
    }

    [Fact]
    public void A_relative_repo_view_is_refused_when_the_job_runs()
    {
        using var r = new LmakeRepo("""
            from lmake.rules import Rule
            class Rel(Rule):
                repo_view = 'repo'
                target    = 'rel'
                cmd       = 'pwd'
            """);
        LmakeOutput o = r.Lmake("rel");
        Assert.Equal(1, o.Result.ExitCode);
        Assert.Contains("repo_view repo: an absolute name", o.Result.Stdout + o.Result.Stderr);
    }
}
