// Namespace attributes computed for each job (rules.md: views, repo_view, tmp_view, lmake_view, chroot_dir are
// "Full" dynamic): a function, or an f-string of more than stems, is evaluated when the job is planned; what the
// function reads is a dep, so the job runs again in its new namespace when that file changes.
namespace Lmake.EndToEnd.Tests;

public class DynamicNamespaceTests
{
    [Fact]
    public void Views_given_by_a_function_follow_the_file_it_reads()
    {
        using var r = new LmakeRepo("""
            from lmake.rules import Rule
            import lmake
            lmake.manifest = ('Lmakefile.py', 'where', 'phy1/f', 'phy2/f')
            class Dut(Rule):
                target = 'out'
                def views():
                    return { 'logical/' : open('where').read().strip() + '/' }
                cmd = 'cat logical/f'
            """);
        r.Repo.Add("where", "phy1\n");
        r.Repo.Add("phy1/f", "one\n");
        r.Repo.Add("phy2/f", "two\n");
        LmakeOutput o = r.Lmake("out");
        Assert.True(o.Result.ExitCode == 0, o.ToString());
        Assert.Equal("one\n", r.Repo.Read("out"));

        r.Repo.Write("where", "phy2\n");
        o = r.Lmake("out");
        Assert.True(o.Result.ExitCode == 0, o.ToString());
        Assert.Contains(new Status("done", "Dut", "out"), o.Statuses);
        Assert.Equal("two\n", r.Repo.Read("out"));
    }

    [Fact]
    public void A_view_in_an_f_string_calling_the_lmakefile_is_computed_for_each_job()
    {
        using var r = new LmakeRepo("""
            from lmake.rules import Rule
            def top(n): return 'lmake_test_repo_' + n
            class Dut(Rule):
                target    = 'where{N:\d}'
                repo_view = '/{top(N)}'
                cmd       = 'pwd'
            """);
        LmakeOutput o = r.Lmake("where1", "where2");
        Assert.True(o.Result.ExitCode == 0, o.ToString());
        Assert.Equal("/lmake_test_repo_1\n", r.Repo.Read("where1"));
        Assert.Equal("/lmake_test_repo_2\n", r.Repo.Read("where2"));
    }

    [Fact]
    public void A_namespace_function_that_fails_fails_its_job_with_the_reason()
    {
        using var r = new LmakeRepo("""
            from lmake.rules import Rule
            class Dut(Rule):
                target = 'out'
                def chroot_dir():
                    raise RuntimeError('no image for this job')
                cmd = 'true'
            """);
        LmakeOutput o = r.Lmake("out");
        Assert.Equal(1, o.Result.ExitCode);
        Assert.Contains("no image for this job", o.Result.Stdout);
    }
}
