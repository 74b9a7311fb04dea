// Python cmds and what the Lmakefile computes per job, as rules.md and job_execution.md describe them: chained
// cmds pass results along, the job's dicts are globals, a module built by another job can be imported, a failing
// cmd's backtrace shows the Lmakefile (so reads it), shell may be computed, and what the server computes cannot
// use a module of the repo (an Lmakefile error).
namespace Lmake.EndToEnd.Tests;

public class PythonCmdTests
{
    [Fact]
    public void ChainedCmdsGetThePreviousResultAndSeeTheJobDicts()
    {
        using var r = new LmakeRepo("""
            from lmake.rules import PyRule
            class Base(PyRule):
                def cmd(): return 'from base'
            class Dut(Base):
                target    = r'dut.{N:\d}'
                resources = {'cpu': '{N}'}
                def cmd(previous='unset'):
                    print(previous, stems['N'], resources['cpu'], targets['target'], job_name)
            """);
        LmakeOutput o = r.Lmake("dut.1");
        Assert.True(o.Result.ExitCode == 0, o.ToString());
        Assert.Equal("from base 1 1 dut.1 dut.1\n", r.Repo.Read("dut.1"));
    }

    [Fact]
    public void AGeneratedModuleIsBuiltThenImported()
    {
        using var r = new LmakeRepo("""
            from lmake.rules import Rule, PyRule
            class Gen(Rule):
                target = 'generated.py'
                cmd    = 'echo "value = 42"'
            class Use(PyRule):
                target = 'use'
                def cmd():
                    import generated
                    print(generated.value)
            """);
        LmakeOutput o = r.Lmake("use");
        Assert.True(o.Result.ExitCode == 0, o.ToString());
        Assert.Equal("42\n", r.Repo.Read("use"));
        Assert.Equal(["done"], o.Words("generated.py"));
    }

    [Fact]
    public void AFailingCmdShowsTheLmakefileLineAndDependsOnIt()
    {
        using var r = new LmakeRepo("""
            from lmake.rules import PyRule
            class Bad(PyRule):
                target = 'bad'
                def cmd():
                    raise RuntimeError('broken on purpose')
            """);
        LmakeOutput o = r.Lmake("bad");
        Assert.Equal(1, o.Result.ExitCode);
        Assert.Contains("Lmakefile.py\", line 5, in cmd", o.Result.Stdout + o.Result.Stderr);
        Assert.Equal(["new"], o.Words("Lmakefile.py"));      // python read it to print the backtrace
    }

    [Fact]
    public void ShellMayBeComputedPerJob()
    {
        using var r = new LmakeRepo("""
            from lmake.rules import Rule
            def pick_shell(): return ('/bin/sh', '-e')
            class Dut(Rule):
                target = 'dut'
                shell  = pick_shell
                cmd    = 'echo $0'
            """);
        LmakeOutput o = r.Lmake("dut");
        Assert.True(o.Result.ExitCode == 0, o.ToString());
        Assert.Equal("/bin/sh\n", r.Repo.Read("dut"));
    }

    [Fact]
    public void AnFStringUsingARepoModuleIsAnLmakefileError()
    {
        using var r = new LmakeRepo("""
            from lmake.rules import Rule
            import helpers
            from helpers import value
            class Inlined(Rule):
                target = 'inlined'
                cmd    = 'echo {value}'
            class UsesModule(Rule):
                target = 'uses_module'
                cmd    = 'echo {helpers.value}'
            """);
        r.Repo.Add("helpers.py", "value = 3\n");
        LmakeOutput o = r.Lmake();
        Assert.Equal(8, o.Result.ExitCode);
        Assert.Contains("rule UsesModule", o.Result.Stderr);
        Assert.Contains("module helpers", o.Result.Stderr);
    }

    [Fact]
    public void AnAttributeThatCannotBeComputedFailsItsJobOnly()
    {
        using var r = new LmakeRepo("""
            from lmake.rules import Rule
            def broken(): raise ValueError('no way')
            class Dut(Rule):
                target  = 'dut'
                environ = {'V': broken}
                cmd     = 'echo $V'
            """);
        LmakeOutput o = r.Lmake("dut");
        Assert.Equal(1, o.Result.ExitCode);
        // (the computation read the Lmakefile to print its backtrace: a file not checked yet, hence early_rerun first)
        Assert.Equal(["early_rerun", "failed"], o.Words("dut"));
        Assert.Contains("ValueError: no way", o.Result.Stdout + o.Result.Stderr);
        Assert.DoesNotContain("internal error", o.Result.Stdout + o.Result.Stderr);
    }

    [Fact]
    public void AStarSideDepNamesFilesAndItsIgnoreFlagKeepsThemOutOfTheDeps()
    {
        using var r = new LmakeRepo("""
            from lmake.rules import PyRule
            class Make(PyRule):
                target    = 'out'
                side_deps = {'IN': (r'in_{*:.*}', 'Ignore')}
                def cmd():
                    print(open(IN('x')).read(), end='')
            """);
        r.Repo.Add("in_x", "first\n");
        LmakeOutput o = r.Lmake("out");
        Assert.True(o.Result.ExitCode == 0, o.ToString());
        Assert.Equal("first\n", r.Repo.Read("out"));
        Assert.Empty(o.Words("in_x"));                  // read, but ignored: no dep, so not even seen as a source
        r.Repo.Write("in_x", "second\n");
        o = r.Lmake("out");
        Assert.True(o.Result.ExitCode == 0, o.ToString());
        Assert.Equal("first\n", r.Repo.Read("out"));   // not rerun: what it read is no dep
    }
}
