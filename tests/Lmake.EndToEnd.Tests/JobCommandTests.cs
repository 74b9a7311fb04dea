// In-job commands inside real lmake jobs (spec B): a dep declared with ldepend or lmake.depend makes the job
// rerun when it changes; ldepend -v answers inside the job. (The engine answers with the library's default
// handler until it has its own: deps verified from the disk.)
namespace Lmake.EndToEnd.Tests;

public class JobCommandTests
{
    [Fact]
    public void A_dep_declared_with_ldepend_reruns_the_job_when_it_changes()
    {
        using var r = new LmakeRepo("""
            from lmake.rules import Rule
            class Declared(Rule):
                targets = {'T': r'{F:.*}.t'}
                cmd     = 'ldepend cfg_{F} && ldepend -v -e -R cfg_{F} > {T}'
            """);
        r.Repo.Add("cfg_a", "one\n");
        LmakeOutput first = r.Lmake("a.t");
        Assert.True(first.Result.ExitCode == 0, first.ToString());
        Assert.Equal([("done", "Declared")], first.Jobs.Select(s => (s.Word, s.Rule)));
        string sum = r.Repo.Run("xxhsum", "cfg_a").Stdout.Trim();
        Assert.Equal($"ok {sum} cfg_a\n", r.Repo.Read("a.t"));

        LmakeOutput again = r.Lmake("a.t");
        Assert.Empty(again.Jobs);

        r.Repo.Write("cfg_a", "two\n");  // the job never opened it: ldepend -R said it read it
        LmakeOutput changed = r.Lmake("a.t");
        Assert.True(changed.Result.ExitCode == 0, changed.ToString());
        Assert.Equal([("done", "Declared")], changed.Jobs.Select(s => (s.Word, s.Rule)));
        Assert.Equal($"ok {r.Repo.Run("xxhsum", "cfg_a").Stdout.Trim()} cfg_a\n", r.Repo.Read("a.t"));
    }

    [Fact]
    public void A_python_job_declares_deps_and_hides_accesses_with_Autodep_False()
    {
        using var r = new LmakeRepo("""
            from lmake.rules import PyRule
            import lmake
            class Py(PyRule):
                targets = {'T': r'{F:.*}.t'}
                def cmd():
                    lmake.depend(f'dep_{F}', read=True)
                    with lmake.Autodep(False):
                        hidden = open(f'hidden_{F}').read()
                    open(T, 'w').write(hidden)
            """);
        r.Repo.Add("dep_a", "d\n");
        r.Repo.Add("hidden_a", "h1\n");
        LmakeOutput first = r.Lmake("a.t");
        Assert.True(first.Result.ExitCode == 0, first.ToString());
        Assert.Equal("h1\n", r.Repo.Read("a.t"));

        r.Repo.Write("hidden_a", "h2\n");  // read with tracking off: not a dep, the job does not rerun
        LmakeOutput hidden = r.Lmake("a.t");
        Assert.Empty(hidden.Jobs);
        Assert.Equal("h1\n", r.Repo.Read("a.t"));

        r.Repo.Write("dep_a", "changed\n");
        LmakeOutput declared = r.Lmake("a.t");
        Assert.Equal([("done", "Py")], declared.Jobs.Select(s => (s.Word, s.Rule)));
        Assert.Equal("h2\n", r.Repo.Read("a.t"));
    }

    [Fact]
    public void Ldepend_read_option_is_accepted()
    {
        using var r = new LmakeRepo("""
            from lmake.rules import Rule
            class Declared(Rule):
                target = 'out'
                cmd    = 'ldepend -R cfg && ldepend -vR cfg'
            """);
        r.Repo.Add("cfg", "one\n");
        LmakeOutput o = r.Lmake("out");
        Assert.True(o.Result.ExitCode == 0, o.ToString());
        Assert.EndsWith(" cfg\n", r.Repo.Read("out"));
    }
}
