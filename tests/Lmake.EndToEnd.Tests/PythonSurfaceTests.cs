// Lmakefiles written for open-lmake, run end to end: the helper bases of lmake.rules (ConfigRule, TraceRule,
// HomelessRule combined with PyRule), star targets called with their star stems, lmake.utils.pdict in a job, the
// traceback of a failed python cmd showing the Lmakefile's own lines.
namespace Lmake.EndToEnd.Tests;

public class PythonSurfaceTests
{
    [Fact]
    public void ConfigRuleJobsSeeTheNodesTheyCall()
    {
        using var r = new LmakeRepo("""
            import lmake
            from lmake.rules import PyRule, ConfigRule
            class Config(ConfigRule): pass
            class Show(PyRule):
                target = r'show_{Path:.*}'
                def cmd():
                    node = lmake.config_dict('settings')
                    for k in Path.split('.'): node = node[k]
                    print(node())
            """);
        r.Repo.Add("settings.py", "settings = {'a': {'b': 1}, 'c': [2, [3]]}\n");
        LmakeOutput o = r.Lmake("show_a", "show_a.b", "show_c.1");
        Assert.True(o.Result.ExitCode == 0, o.ToString());
        Assert.Equal("{'b': 1}\n", r.Repo.Read("show_a"));
        Assert.Equal("1\n", r.Repo.Read("show_a.b"));
        Assert.Equal("[3]\n", r.Repo.Read("show_c.1"));

        r.Repo.Write("settings.py", "settings = {'a': {'b': 1}, 'c': [2, [4]]}\n");
        o = r.Lmake("show_a", "show_a.b", "show_c.1");
        Assert.True(o.Result.ExitCode == 0, o.ToString());
        Assert.Equal("[4]\n", r.Repo.Read("show_c.1"));
        Assert.Empty(o.Words("show_a"));                  // the nodes it read did not change: not rerun
        Assert.Empty(o.Words("show_a.b"));
    }

    [Fact]
    public void TraceRuleTracesToStdoutAndHomelessRuleMovesHome()
    {
        using var r = new LmakeRepo("""
            from lmake.rules import PyRule, HomelessRule, TraceRule
            class Traced(TraceRule):
                target = 'traced'
                cmd    = 'echo hi >/dev/null'
            class Homeless(HomelessRule, PyRule):
                target = 'homeless'
                def cmd():
                    import os
                    print(os.environ['HOME'] == os.environ['TMPDIR'])
            """);
        LmakeOutput o = r.Lmake("traced", "homeless");
        Assert.True(o.Result.ExitCode == 0, o.ToString());
        Assert.Equal("+ echo hi\n", r.Repo.Read("traced"));
        Assert.Equal("True\n", r.Repo.Read("homeless"));
    }

    [Fact]
    public void StarTargetsAreCalledWithTheirStarStems()
    {
        using var r = new LmakeRepo("""
            from lmake.rules import Rule, PyRule
            from lmake.utils import pdict
            names = pdict(first='one', second='two')
            class Sh(Rule):
                targets = {'OUT': r'sh.{*:\d}'}
                cmd     = 'echo a > {OUT(1)} ; echo b > {OUT(2)}'
            class Py(PyRule):
                targets = {'OUT': r'py/{Name*:\w+}'}
                def cmd():
                    import os
                    os.makedirs('py', exist_ok=True)
                    for n in (names.first, names.second): open(OUT(n), 'w').write(n + '\n')
            """);
        LmakeOutput o = r.Lmake("sh.2", "py/two");
        Assert.True(o.Result.ExitCode == 0, o.ToString());
        Assert.Equal("b\n", r.Repo.Read("sh.2"));
        Assert.Equal("two\n", r.Repo.Read("py/two"));
        Assert.Equal("one\n", r.Repo.Read("py/one"));
    }

    [Fact]
    public void DependWithReadMakesTheJobRerunWhenTheDepChanges()
    {
        using var r = new LmakeRepo("""
            import lmake
            from lmake.rules import PyRule
            class Dut(PyRule):
                target = 'dut'
                def cmd():
                    lmake.depend('trig', read=True, direct=True, follow_symlinks=True)
                    lmake.target('dut', write=True, allow=True, essential=True)
                    print('ran')
            """);
        r.Repo.Add("trig", "1\n");
        LmakeOutput o = r.Lmake("dut");
        Assert.True(o.Result.ExitCode == 0, o.ToString());
        Assert.Equal("ran\n", r.Repo.Read("dut"));
        Assert.Empty(r.Lmake("dut").Words("dut"));           // up to date
        r.Repo.Write("trig", "2\n");
        Assert.Contains(r.Lmake("dut").Words("dut"), w => w is "done" or "steady");
    }

    [Fact]
    public void A_failed_python_cmd_shows_the_lmakefile_line_in_its_traceback()
    {
        using var r = new LmakeRepo("""
            from lmake.rules import PyRule
            class Boom(PyRule):
                target = 'boom'
                def cmd():
                    x = 1
                    raise ValueError('boom here')
            """);
        LmakeOutput o = r.Lmake("boom");
        Assert.Equal(1, o.Result.ExitCode);
        Assert.Contains("Lmakefile.py\", line 6, in cmd", o.Result.Stdout);
        Assert.Contains("raise ValueError('boom here')", o.Result.Stdout);
    }
}
