// Writes a job may not make (execution.md, "Errors"; glossary, polluted): another job's target it overwrote is
// remade by its own job before a rerun reads it, without a quarantine; a file nothing makes is unlinked; a source
// may be written when the job declared it source_ok; a source changed while a job ran it read is no result.
namespace Lmake.EndToEnd.Tests;

public class ForeignWriteTests
{
    [Fact]
    public void A_target_overwritten_by_another_job_is_remade_before_that_job_reruns()
    {
        // User's first run reads the old `mode`, spoils `base` (Base's output), then reruns once mode is made
        const string Rules = """
            from lmake.rules import Rule
            class Mode(Rule):
                target = 'mode'
                cmd    = 'echo VALUE'
            class Base(Rule):
                target = 'base'
                cmd    = 'echo good'
            class User(Rule):
                target = 'user'
                deps   = {'B': 'base'}
                cmd    = 'if [ "$(cat mode)" = old ] ; then echo spoilt > {B} ; fi ; cat {B}'
            """;
        using var r = new LmakeRepo(Rules.Replace("VALUE", "old"));
        Assert.Equal(0, r.Lmake("mode").Result.ExitCode);
        r.Repo.Add("Lmakefile.py", Rules.Replace("VALUE", "new"));
        LmakeOutput o = r.Lmake("user");
        Assert.True(o.Result.ExitCode == 0, o.ToString());
        Assert.Equal("good\n", r.Repo.Read("user"));
        Assert.Equal(2, o.Statuses.Count(s => s.Rule == "Base" && s.Word == "done"));
        Assert.DoesNotContain(o.Statuses, s => s.Word is "quarantined" or "unlinked");
    }

    [Fact]
    public void A_file_a_job_may_not_write_and_nothing_makes_is_unlinked()
    {
        using var r = new LmakeRepo("""
            from lmake.rules import Rule
            class Gen(Rule):
                targets = {'G': 'g', 'X': r'g-{*:.*}'}
                cmd     = '>{G}'
            class Bad(Rule):
                target = 'bad'
                deps   = {'G': 'g'}
                cmd    = '[ -e g-1 ] || echo oops > g-1'
            """);
        LmakeOutput o = r.Lmake("bad");
        Assert.Equal(1, o.Result.ExitCode);
        Assert.Contains(new Status("failed", "Bad", "bad"), o.Statuses);
        Assert.Contains(o.Statuses, s => s.Word == "unlink" && s.Name == "g-1");
        Assert.Single(o.Statuses, s => s.Name == "bad");   // what it read of g-1 is as it was before it wrote it: no rerun
        Assert.False(File.Exists(r.Repo["g-1"]));
    }

    [Fact]
    public void A_source_declared_source_ok_in_the_job_may_be_written_and_is_not_new_afterwards()
    {
        using var r = new LmakeRepo("""
            from lmake.rules import Rule
            class Gen(Rule):
                target = 'gen'
                cmd    = 'ltarget -s cfg ; echo from-job > cfg'
            class Use(Rule):
                target = 'use'
                cmd    = 'cat cfg'
            """);
        r.Repo.Add("cfg", "from-git\n");
        LmakeOutput o = r.Lmake("gen");
        Assert.True(o.Result.ExitCode == 0, o.ToString());
        Assert.Equal("from-job\n", r.Repo.Read("cfg"));
        LmakeOutput use = r.Lmake("use");
        Assert.True(use.Result.ExitCode == 0, use.ToString());
        Assert.DoesNotContain(use.Statuses, s => s.Rule == "src");   // lmake knows what the job left in cfg
    }

    [Fact]
    public async Task A_source_changed_while_the_job_that_read_it_runs_is_a_dep_error_when_no_run_is_left()
    {
        using var marks = new TempDir();
        using var r = new LmakeRepo($$"""
            from lmake.rules import Rule
            class Slow(Rule):
                target   = 'slow'
                max_runs = 1
                cmd      = 'cat src ; touch {{marks.Path}}/read ; while [ ! -e {{marks.Path}}/go ] ; do sleep 0.05 ; done'
            """);
        r.Repo.Add("src", "1\n");
        Task<LmakeOutput> run = Task.Run(() => r.Lmake("slow"));
        var sw = System.Diagnostics.Stopwatch.StartNew();
        while (!File.Exists(marks["read"]) && sw.Elapsed < TimeSpan.FromSeconds(60)) await Task.Delay(20);
        await Task.Delay(50);   // a date surely after the job's start
        r.Repo.Write("src", "2\n");
        File.WriteAllText(marks["go"], "");
        LmakeOutput o = await run;
        Assert.Equal(1, o.Result.ExitCode);
        Assert.Contains(new Status("dep_error", "Slow", "slow"), o.Statuses);
    }
}
