// The Python surface open-lmake Lmakefiles use, read and planned: the helper bases of lmake.rules (combined
// freely), lmake.utils, lmake.user_environ.VAR, unnamed stems, retried_errors kinds, callable star targets,
// sections given as callables or sub-modules, source dirs outside the repo.
using Lmake.Server.Rules;

namespace Lmake.Rules.Tests;

public class PythonSurfaceTests
{
    private const string Head = "import lmake\nlmake.manifest = ('Lmakefile.py',)\n";

    /// <summary>Runs a planned python job as job_exec would: lmake importable.</summary>
    private static (int, string, string) RunJob(JobPlan plan, string cwd)
    {
        var psi = new System.Diagnostics.ProcessStartInfo(plan.Argv[0])
            { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = cwd };
        foreach (string a in plan.Argv.Skip(1)) psi.ArgumentList.Add(a);
        psi.Environment["PYTHONPATH"] = TestLayout.Layout.Lib;
        using var p = System.Diagnostics.Process.Start(psi)!;
        Task<string> err = p.StandardError.ReadToEndAsync();
        string output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, output, err.Result);
    }

    private static JobPlan PlanFor(Makefiles m, LmakefileRepo repo, string name)
    {
        RuleMatch match = new RuleIndex(m.Rules).Candidates(name)[0];
        using var evaluator = new RuleEvaluator(m, TestLayout.Layout, repo.Root);
        return evaluator.Plan(match);
    }

    [Fact]
    public void HelperBasesAreClassesOfTheirOwnAndCombine()
    {
        using var repo = new LmakefileRepo(Head + """
            from lmake.rules import Rule, PyRule, Py3Rule, HomelessRule, TraceRule, RustRule, DirtyRule
            class Both(HomelessRule, PyRule):
                target = 'both'
                def cmd():
                    import os
                    print(os.environ['HOME'] == os.environ['TMPDIR'])
            class Traced(TraceRule):
                target = 'traced'
                cmd    = 'echo hi'
            class Shell(HomelessRule):
                target = 'shell'
                cmd    = 'echo $HOME'
            assert PyRule is Py3Rule and issubclass(RustRule, Rule) and issubclass(DirtyRule, Rule)
            """);
        Makefiles m = repo.Read();
        Assert.Equal(["Both", "Traced", "Shell"], m.Rules.Select(r => r.Name));

        JobPlan both = PlanFor(m, repo, "both");
        Assert.Contains("_lmake_os.environ['HOME'] = _lmake_os.environ['TMPDIR']", both.Script);

        JobPlan traced = PlanFor(m, repo, "traced");
        Assert.Equal(["/bin/bash", "-x", "-c", "echo hi"], traced.Argv);
        Assert.Equal("1", traced.Environ["BASH_XTRACEFD"]);        // the trace goes to stdout

        JobPlan shell = PlanFor(m, repo, "shell");
        Assert.Equal("HOME=\"$TMPDIR\"\necho $HOME", shell.Argv[^1]);
    }

    [Fact]
    public void UtilsPdictGlobalReachesAPythonCmdAsAPdict()
    {
        using var repo = new LmakefileRepo(Head + """
            from lmake.rules import PyRule
            from lmake.utils import pdict
            param = pdict(a=1, sub=pdict(b=(2, 3)))
            class Show(PyRule):
                target = 'show'
                def cmd():
                    print(param.a, param['sub'].b)
            """);
        Makefiles m = repo.Read();
        JobPlan plan = PlanFor(m, repo, "show");
        var (exit, stdout, stderr) = RunJob(plan, repo.Root);
        Assert.True(exit == 0, stderr);
        Assert.Equal("1 (2, 3)\n", stdout);
    }

    [Fact]
    public void UserEnvironVariablesReadAsAttributesAreRecorded()
    {
        using var repo = new LmakefileRepo(Head + """
            from lmake.rules import Rule
            home = lmake.user_environ.HOME
            assert lmake.user_environ.get('LMAKE_SURELY_UNSET_VAR') is None
            class Dut(Rule):
                target = 'dut'
                cmd    = 'echo {home}'
            """);
        Makefiles m = repo.Read();
        // recorded apart from os.environ: they are compared with the environment of each lmake command
        Assert.Equal(Environment.GetEnvironmentVariable("HOME"), m.UserEnvironRead["HOME"]);
        Assert.Null(m.UserEnvironRead["LMAKE_SURELY_UNSET_VAR"]);
        Assert.Equal("echo " + Environment.GetEnvironmentVariable("HOME"), PlanFor(m, repo, "dut").Argv[^1]);
    }

    [Fact]
    public void UnnamedStemsAreDefinedWhereTheyStand()
    {
        using var repo = new LmakefileRepo(Head + """
            from lmake.rules import Rule
            class Numbered(Rule):
                target = r'file_{:\d+}'
                cmd    = 'echo'
            class Maybe(Rule):
                targets = {'OUT': r'maybe{*:}', 'DIR': r'dir/{*:.*}'}
                cmd     = 'true'
            class Spaced(Rule):
                target = '{ File :.*}.spaced'
                dep    = '{ File }'
                cmd    = 'cat'
            """);
        Makefiles m = repo.Read();
        var index = new RuleIndex(m.Rules);
        Assert.Equal("Numbered", Assert.Single(index.Candidates("file_12")).Rule.Name);
        Assert.Empty(index.Candidates("file_x"));
        JobPlan maybe = PlanFor(m, repo, "maybe");
        Assert.True(maybe.IsStarTarget("maybe", out _));
        Assert.True(maybe.IsStarTarget("dir/a/b", out _));
        Assert.False(maybe.IsStarTarget("maybe1", out _));
        Assert.Equal("x", PlanFor(m, repo, "x.spaced").StdinDep);
    }

    [Fact]
    public void StarTargetsAreCallableInJobs()
    {
        using var repo = new LmakefileRepo(Head + """
            from lmake.rules import Rule, PyRule
            class Py(PyRule):
                targets = {'OUT': r'py/{Name*:\w+}.{Ext*:\w+}'}
                def cmd():
                    print(OUT('a', 'txt'), OUT(Ext='c', Name='b'))
            class Sh(Rule):
                targets = {'OUT': r'sh.{*:\d}'}
                cmd     = '''echo "{OUT(1)}" {OUT('2')}'''
            """);
        Makefiles m = repo.Read();
        JobPlan py = PlanFor(m, repo, "py/x.y");
        var (exit, stdout, stderr) = RunJob(py, repo.Root);
        Assert.True(exit == 0, stderr);
        Assert.Equal("py/a.txt py/b.c\n", stdout);
        Assert.Equal("echo \"sh.1\" sh.2", PlanFor(m, repo, "sh.3").Argv[^1]);   // quotes of both kinds
    }

    [Fact]
    public void RetriedErrorsListWhatDiffersFromTheDefaultKinds()
    {
        using var repo = new LmakefileRepo(Head + """
            from lmake.rules import Rule
            class Default(Rule):
                target = 'default'
                cmd    = 'exit 1'
            class NoTimeout(Rule):
                retried_errors = ('-timeout',)
                target = 'no_timeout'
                cmd    = 'exit 1'
            class Other(NoTimeout):
                retried_errors = ('-JobError', 'panic')
                target = 'other'
            """);
        Makefiles m = repo.Read();
        // early_error 1, job_error 2, forbidden 4, panic 8, termination_error 16, timeout 32
        Assert.Equal(2 | 16 | 32, PlanFor(m, repo, "default").RetriedErrors);
        Assert.Equal(2 | 16, PlanFor(m, repo, "no_timeout").RetriedErrors);
        Assert.Equal(8 | 16 | 32, PlanFor(m, repo, "other").RetriedErrors);
    }

    [Fact]
    public void ConfigRuleIsVirtualAndBecomesARuleByDerivation()
    {
        using var repo = new LmakefileRepo(Head + """
            from lmake.rules import ConfigRule
            class MyConfig(ConfigRule): pass
            """);
        Makefiles m = repo.Read();
        Assert.Equal(["MyConfig"], m.Rules.Select(r => r.Name));
        JobPlan plan = PlanFor(m, repo, "cfg.config_dict/a/0/__value__");
        Assert.Equal(["cfg.config_dict/__value__"], plan.Targets);
        Assert.Equal("cfg.py", Assert.Single(plan.StaticDeps).Name);
        Assert.True(plan.IsStarTarget("cfg.config_dict/b/__value__", out _));
    }

    [Fact]
    public void SectionsMayBeSubModulesOfAnLmakefilePackage()
    {
        using var repo = new LmakefileRepo("import lmake\nlmake.manifest = ('ignored',)\n");
        File.Delete(Path.Combine(repo.Root, "Lmakefile.py"));
        repo.Write("Lmakefile/__init__.py", "from lmake.rules import Rule\nclass Dropped(Rule):\n    target = 'a'\n    cmd = ''\n");
        repo.Write("Lmakefile/sources.py", "import lmake\nlmake.manifest = ('Lmakefile/__init__.py', 'Lmakefile/rules.py', 'src')\n");
        repo.Write("Lmakefile/rules.py", "from lmake.rules import Rule\nclass Kept(Rule):\n    target = 'b'\n    dep = 'src'\n    cmd = 'cat'\n");
        Makefiles m = repo.Read();
        Assert.Equal(["Kept"], m.Rules.Select(r => r.Name));       // a rules section replaces the rules of __init__
        Assert.Equal(["Lmakefile/__init__.py", "Lmakefile/rules.py", "src"], m.Sources);
        Assert.Contains(Path.Combine(repo.Root, "Lmakefile", "rules.py"), m.FilesRead.Select(Path.GetFullPath));
    }

    [Fact]
    public void SectionsMayBeCallables()
    {
        using var repo = new LmakefileRepo("""
            import lmake
            def sources():
                lmake.manifest = ('Lmakefile.py', 'in')
            def rules():
                from lmake.rules import Rule
                class Cat(Rule):
                    target = 'out'
                    dep    = 'in'
                    cmd    = 'cat'
            """);
        Makefiles m = repo.Read();
        Assert.Equal(["Cat"], m.Rules.Select(r => r.Name));
        Assert.Equal(["Lmakefile.py", "in"], m.Sources);
    }

    [Fact]
    public void SourceDirsOutsideTheRepoMayBeRelative()
    {
        using var repo = new LmakefileRepo("import lmake\nlmake.manifest = ('Lmakefile.py', '../elsewhere/', '/usr/include/')\n");
        Makefiles m = repo.Read();
        Assert.Equal(["../elsewhere/", "/usr/include/"], m.SourceDirs);
    }
}
