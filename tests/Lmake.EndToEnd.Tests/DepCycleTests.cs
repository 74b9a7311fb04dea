// Dependency cycles as a user meets them: a job that reads below the target of the job that needs it (uphill, in
// data_model.md) closes a cycle; lmake says so on stderr and exits 1 instead of hanging, the cycle stays while the
// hidden deps that close it are known (even once the rule no longer reads them), and `lforget -d` gets out of it.
namespace Lmake.EndToEnd.Tests;

public class DepCycleTests
{
    private const string Rules = """
        from lmake.rules import Rule
        class A(Rule):
            target = 'a'
            cmd    = 'CMD'
        class B(Rule):
            target = 'b'
            cmd    = 'cat a'
        """;

    [Fact]
    public void A_cycle_through_hidden_deps_fails_and_lforget_deps_breaks_it()
    {
        using var r = new LmakeRepo(Rules.Replace("CMD", "cat b/c"));
        LmakeOutput o = r.Lmake("b");
        Assert.True(o.Result.ExitCode == 1, o.ToString());
        Assert.Equal([new Status("may_rerun", "B", "b"), new Status("may_rerun", "A", "a")], o.Statuses);
        Assert.Contains("dependency cycle", o.Result.Stderr);

        // A no longer reads b/c, but what it read last time is made before it runs: still a cycle, nothing runs
        r.Repo.Add("Lmakefile.py", Rules.Replace("CMD", ""));
        o = r.Lmake("b");
        Assert.True(o.Result.ExitCode == 1, o.ToString());
        Assert.Empty(o.Statuses);

        Assert.Equal(0, r.Repo.Run("lforget", "-d", "a").ExitCode);
        o = r.Lmake("b");
        Assert.True(o.Result.ExitCode == 0, o.ToString());
        // both leave what they left before (empty files)
        Assert.Equal([new Status("steady", "A", "a"), new Status("steady", "B", "b")], o.Statuses);
    }

    [Fact]
    public void A_target_another_job_used_as_a_scratch_file_is_remade_as_done()
    {
        using var r = new LmakeRepo("""
            from lmake.rules import Rule
            class Tmp(Rule):
                target = 'tmp'
                cmd    = ''
            class A(Rule):
                target = 'a'
                cmd    = 'echo >tmp ; rm tmp'
            class B(Rule):
                target = 'b'
                dep    = 'a'
                cmd    = 'cat tmp a'
            """);
        Assert.Equal(0, r.Lmake("tmp").Result.ExitCode);
        LmakeOutput o = r.Lmake("b");
        Assert.True(o.Result.ExitCode == 0, o.ToString());
        // tmp holds what Tmp made before, but A's scratch came in between: not steady
        Assert.Equal(["done"], o.Words("tmp"));
    }
}
