// What lmake does to a job's targets around a run (execution.md, "Processing a target"; glossary, quarantine and
// uniquify): before it runs they go, its folders are made, what had value is quarantined, another job's output is
// `unlinked`; incremental targets stay (with an inode of their own); side targets may be left out; phony ones
// are made though absent.
namespace Lmake.EndToEnd.Tests;

public class TargetClearingTests
{
    [Fact]
    public void The_folder_of_a_star_target_exists_when_the_job_starts()
    {
        using var r = new LmakeRepo("""
            from lmake.rules import PyRule
            class Gen(PyRule):
                targets = {'OUT': r'gen/{*:.*}'}
                def cmd():
                    open(OUT('x'), 'w').write('x\n')
            """);
        LmakeOutput o = r.Lmake("gen/x");
        Assert.True(o.Result.ExitCode == 0, o.ToString());
        Assert.Equal("x\n", r.Repo.Read("gen/x"));
    }

    [Fact]
    public void A_folder_left_empty_by_a_target_no_longer_made_goes()
    {
        // the version written in `ver` picks the sub-folder: the one of last time must not stay behind
        using var r = new LmakeRepo("""
            from lmake.rules import PyRule
            class Gen(PyRule):
                target  = 'gen'
                targets = {'OUT': r'out/{*:.*}'}
                deps    = {'VER': 'ver'}
                def cmd():
                    import os
                    d = OUT('v' + open(VER).read().strip())
                    os.makedirs(d)
                    open(d + '/res', 'w')
            """);
        r.Repo.Add("ver", "1\n");
        Assert.Equal(0, r.Lmake("gen").Result.ExitCode);
        Assert.True(File.Exists(r.Repo["out/v1/res"]));
        r.Repo.Write("ver", "2\n");
        LmakeOutput o = r.Lmake("gen");
        Assert.True(o.Result.ExitCode == 0, o.ToString());
        Assert.True(File.Exists(r.Repo["out/v2/res"]));
        Assert.False(Directory.Exists(r.Repo["out/v1"]));
    }

    [Fact]
    public void A_file_written_by_hand_where_a_star_target_goes_is_quarantined()
    {
        using var r = new LmakeRepo("""
            from lmake.rules import Rule
            class Gen(Rule):
                targets = {'T': r'n{*:\d}'}
                cmd     = 'echo made > n7'
            class Use(Rule):
                target = 'use'
                dep    = 'n7'
                cmd    = 'cat'
            """);
        r.Repo.Write("n7", "mine\n");   // not a source, and no job left it
        LmakeOutput o = r.Lmake("use");
        Assert.True(o.Result.ExitCode == 0, o.ToString());
        Assert.Contains(new Status("quarantined", "Gen", "n7"), o.Statuses);
        Assert.Equal("mine\n", r.Repo.Read("LMAKE/quarantine/n7"));
        Assert.Equal("made\n", r.Repo.Read("use"));
    }

    [Fact]
    public void Another_jobs_output_is_unlinked_with_a_word_before_the_job_runs()
    {
        // High may make `out` (optional) and does not; Low does; then High runs again and must find no `out`
        const string Rules = """
            from lmake.rules import Rule
            class High(Rule):
                prio    = 1
                targets = {'O': ('out', 'optional')}
                cmd     = 'CMD'
            class Low(Rule):
                target = 'out'
                cmd    = 'echo low'
            """;
        using var r = new LmakeRepo(Rules.Replace("CMD", "[ ! -e out ]"));
        Assert.Equal(0, r.Lmake("out").Result.ExitCode);
        Assert.Equal("low\n", r.Repo.Read("out"));
        r.Repo.Add("Lmakefile.py", Rules.Replace("CMD", "[ ! -e out ] ; true"));
        LmakeOutput o = r.Lmake("out");
        Assert.Contains(new Status("unlinked", "High", "out"), o.Statuses);
        Assert.DoesNotContain(o.Statuses, s => s.Word == "quarantined");
    }

    [Fact]
    public void An_incremental_star_target_kept_and_not_rewritten_is_still_made_by_its_job()
    {
        using var r = new LmakeRepo("""
            from lmake.rules import PyRule
            class Inc(PyRule):
                targets = {'LIST': ('list', 'incremental'), 'T': (r'inc.{*:.*}', 'incremental')}
                deps    = {'SRC': 'src'}
                def cmd():
                    import os
                    new = set(open(SRC).read().split())
                    old = set(open(LIST).read().split()) if os.path.exists(LIST) else set()
                    open(LIST, 'w').write(' '.join(sorted(new)))
                    for n in new - old: open(T(n), 'w')
                    for n in old - new: os.unlink(T(n))
            """);
        r.Repo.Add("src", "a b\n");
        Assert.Equal(0, r.Lmake("inc.a").Result.ExitCode);
        r.Repo.Write("src", "a c\n");
        Assert.Equal(0, r.Lmake("list").Result.ExitCode);   // inc.a is kept as it was, inc.b goes, inc.c comes
        LmakeOutput a = r.Lmake("inc.a");
        Assert.True(a.Result.ExitCode == 0, a.ToString());
        Assert.Empty(a.Statuses);
        Assert.NotEqual(0, r.Lmake("inc.b").Result.ExitCode);
    }

    [Fact]
    public void An_incremental_target_hard_linked_elsewhere_gets_its_own_copy_before_the_job_runs()
    {
        using var r = new LmakeRepo("""
            from lmake.rules import Rule
            class Gen(Rule):
                targets = {'T': ('gen', 'incremental')}
                deps    = {'SRC': 'src'}
                cmd     = 'cat {SRC} > {T}'
            class Keep(Rule):
                targets = {'K': ('keep', 'incremental')}
                deps    = {'G': 'gen'}
                cmd     = 'ln -f {G} {K}'
            """);
        r.Repo.Add("src", "1\n");
        Assert.Equal(0, r.Lmake("keep").Result.ExitCode);
        Assert.Equal("1\n", r.Repo.Read("keep"));
        r.Repo.Write("src", "2\n");
        Assert.Equal(0, r.Lmake("gen").Result.ExitCode);
        Assert.Equal("2\n", r.Repo.Read("gen"));
        Assert.Equal("1\n", r.Repo.Read("keep"));   // writing gen in place did not go through the link
    }

    [Fact]
    public void A_side_target_may_be_left_out()
    {
        using var r = new LmakeRepo("""
            from lmake.rules import Rule
            class Gen(Rule):
                targets      = {'OUT': 'out'}
                side_targets = {'TMP': 'out.tmp'}
                cmd          = 'echo x > {TMP} ; mv {TMP} {OUT}'
            """);
        LmakeOutput o = r.Lmake("out");
        Assert.True(o.Result.ExitCode == 0, o.ToString());
        Assert.Equal("x\n", r.Repo.Read("out"));
    }

    [Fact]
    public void A_phony_target_is_made_by_a_job_that_ran_fine_though_absent()
    {
        using var r = new LmakeRepo("""
            from lmake.rules import Rule
            class All(Rule):
                targets = {'ALL': ('all', 'phony'), 'LOG': 'all.log'}
                cmd     = 'echo ran > {LOG}'
            """);
        LmakeOutput o = r.Lmake("all");
        Assert.True(o.Result.ExitCode == 0, o.ToString());
        Assert.False(File.Exists(r.Repo["all"]));
        LmakeOutput again = r.Lmake("all");
        Assert.True(again.Result.ExitCode == 0, again.ToString());
        Assert.Empty(again.Jobs);
    }

    [Fact]
    public void A_target_left_under_a_larger_path_max_is_unlinked_and_remade_when_it_fits_again()
    {
        const string Rules = """
            import lmake
            from lmake.rules import Rule
            lmake.config.path_max = MAX
            class Gen(Rule):
                target = 'abcde'
                cmd    = 'echo x'
            """;
        using var r = new LmakeRepo(Rules.Replace("MAX", "5"));
        Assert.Equal(0, r.Lmake("abcde").Result.ExitCode);
        r.Repo.Add("Lmakefile.py", Rules.Replace("MAX", "4"));
        LmakeOutput o = r.Lmake("abcde");
        Assert.Equal(1, o.Result.ExitCode);
        Assert.Contains(new Status("unlink", "Gen", "abcde"), o.Statuses);
        Assert.False(File.Exists(r.Repo["abcde"]));
        r.Repo.Add("Lmakefile.py", Rules.Replace("MAX", "5"));
        LmakeOutput back = r.Lmake("abcde");
        Assert.True(back.Result.ExitCode == 0, back.ToString());
        Assert.Contains(new Status("done", "Gen", "abcde"), back.Statuses);   // not steady: the file was gone
    }
}
