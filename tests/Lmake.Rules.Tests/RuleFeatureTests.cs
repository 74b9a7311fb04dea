// What an Lmakefile can say about rules, read and planned: inheritance, '...' in PATH, star stems, f-strings
// calling Lmakefile functions, class attributes in cmd, chained cmds, flags.
using Lmake.Server.Rules;

namespace Lmake.Rules.Tests;

public class RuleFeatureTests
{
    private const string Head = "import lmake\nfrom lmake.rules import Rule, PyRule, AliasRule, AntiRule, SourceRule\nlmake.manifest = ('Lmakefile.py',)\n";

    private static JobPlan PlanFor(LmakefileRepo repo, string name, out Makefiles m)
    {
        m = repo.Read();
        RuleMatch match = new RuleIndex(m.Rules).Candidates(name)[0];
        using var evaluator = new RuleEvaluator(m, TestLayout.Layout, repo.Root);
        return evaluator.Plan(match);
    }

    [Fact]
    public void InheritanceMergesDictsAndNoneRemoves()
    {
        using var repo = new LmakefileRepo(Head + """
            class Base(Rule):
                stems   = {'File': r'.*'}
                deps    = {'SRC': '{File}.c', 'HDR': '{File}.h'}
                environ = {'LANG': 'C', 'DEBUG': '1'}
                resources = {'cpu': 2, 'mem': '100M'}
            class Compile(Base):
                targets = {'OBJ': '{File}.o'}
                deps    = {'HDR': None, 'CFG': 'config.h'}
                environ = {'DEBUG': None, 'CC': 'gcc'}
                resources = {'cpu': 1}
                cmd     = 'gcc -c {SRC} -o {OBJ}'
            """);
        JobPlan plan = PlanFor(repo, "x.o", out Makefiles m);
        Assert.Equal(["Compile"], m.Rules.Select(r => r.Name));          // Base has no target: only a base
        Assert.Equal([("SRC", "x.c"), ("CFG", "config.h")], plan.StaticDeps.Select(d => (d.Key, d.Name)));
        Assert.Equal(new Dictionary<string, string?> { ["LANG"] = "C", ["CC"] = "gcc" }, plan.Environ);
        Assert.Equal(new Dictionary<string, string> { ["cpu"] = "1", ["mem"] = "100M" }, plan.Resources);
    }

    [Fact]
    public void EllipsisInPathIsTheInheritedValue()
    {
        using var repo = new LmakefileRepo(Head + """
            class Base(Rule):
                environ = {'PATH': '/usr/bin:/bin', 'HOME_DIR': '...'}
                virtual = True
            class Mid(Base):
                environ = {'PATH': '/opt/a/bin:...'}
                virtual = True
            class Tool(Mid):
                target  = '{File:.*}.out'
                environ = {'PATH': '...:/opt/b/bin'}
                cmd     = 'tool {File}'
            """);
        JobPlan plan = PlanFor(repo, "x.out", out _);
        Assert.Equal("/opt/a/bin:/usr/bin:/bin:/opt/b/bin", plan.Environ["PATH"]);
        Assert.Null(plan.Environ["HOME_DIR"]);          // '...' alone: taken from the backend
    }

    [Fact]
    public void AnUnnamedStarStemIsShownAsTheUserWroteItInTheJobName()
    {
        using var repo = new LmakefileRepo(Head + """
            class Cut(Rule):
                targets = {'OUT': r'{File:.*}.cut{*:\d}'}
                cmd     = 'true'
            """);
        JobPlan plan = PlanFor(repo, "a.cut3", out Makefiles m);
        Assert.Equal("a.cut{*}", plan.JobName);
        Assert.True(m.Rules[0].CanHaveJob(plan.JobName));   // the job survives the next reading of the Lmakefile
        Assert.True(plan.IsStarTarget("a.cut7", out _));
    }

    [Fact]
    public void StarStemsMakeOneJobForEveryMatchingFile()
    {
        using var repo = new LmakefileRepo(Head + """
            class Split(Rule):
                targets = {'PART': r'{File:.*}.dir/part{N*:\d+}.txt', 'LIST': '{File}.dir/list'}
                dep     = '{File}.txt'
                cmd     = 'split {File}'
            """);
        JobPlan plan = PlanFor(repo, "data.dir/part12.txt", out Makefiles m);
        Assert.Equal(["N"], m.Rules[0].StarStems);
        Assert.Equal("data.dir/part{N*}.txt", plan.JobName);
        Assert.Equal(["data.dir/list"], plan.Targets);
        Assert.Equal("data.txt", plan.StdinDep);
        Assert.True(plan.IsStarTarget("data.dir/part7.txt", out TargetFlags flags));
        Assert.Equal(TargetFlags.Essential, flags);
        Assert.False(plan.IsStarTarget("data.dir/partx.txt", out _));
        Assert.False(plan.IsStarTarget("other.dir/part7.txt", out _));
        Assert.Empty(new RuleIndex(m.Rules).Candidates("data.dir/partx.txt"));
    }

    [Fact]
    public void FStringCallingAnLmakefileFunctionGoesThroughThePythonHelper()
    {
        using var repo = new LmakefileRepo(Head + """
            def dec(d): return str(int(d) - 1)
            class Copy(Rule):
                targets = {'DST': r'{File:.*}.cpy{Digit:[1-9]}'}
                deps    = {'SRC': '{File}.cpy{dec(Digit)}'}
                cmd     = 'cp {SRC} {DST}'
            class Step(Rule):
                target = r'step-{Step:\d+}'
                dep    = 'step-{int(Step)-1}'
                cmd    = 'cat; echo {Step}'
            """);
        Makefiles m = repo.Read();
        var index = new RuleIndex(m.Rules);
        using var evaluator = new RuleEvaluator(m, TestLayout.Layout, repo.Root);
        IReadOnlyList<JobPlan> plans = evaluator.PlanMany([index.Candidates("a/b.cpy3")[0], index.Candidates("step-5")[0], index.Candidates("x.cpy1")[0]]);
        Assert.Equal(["deps"], m.Rules[0].Dynamic);
        Assert.Equal("a/b.cpy2", plans[0].StaticDeps[0].Name);
        Assert.Equal(["/bin/bash", "-c", "cp a/b.cpy2 a/b.cpy3"], plans[0].Argv);
        Assert.Equal("step-4", plans[1].StdinDep);
        Assert.Equal("cat; echo 5", plans[1].Script);
        Assert.Equal("x.cpy0", plans[2].StaticDeps[0].Name);
        Assert.Equal(3, evaluator.HelperRequests);
    }

    [Fact]
    public void AFailingFunctionIsAnErrorOfThatJobOnly()
    {
        using var repo = new LmakefileRepo(Head + """
            def pick(n):
                if n == '0': raise ValueError('no step before 0')
                return str(int(n) - 1)
            class Step(Rule):
                target = r'step-{N:\d+}'
                dep    = 'step-{pick(N)}'
                cmd    = 'cat'
            """);
        Makefiles m = repo.Read();
        var index = new RuleIndex(m.Rules);
        using var evaluator = new RuleEvaluator(m, TestLayout.Layout, repo.Root);
        // the job exists and fails with the message when it runs (a job in error, never an internal error)
        JobPlan failing = evaluator.Plan(index.Candidates("step-0")[0]);
        Assert.Equal("/bin/sh", failing.Argv[0]);
        Assert.Contains("Lmakefile.py:7: rule Step: cannot compute the job for stems N=0: ValueError: no step before 0", failing.Script);
        Assert.EndsWith("exit 1\n", failing.Script);
        Assert.Equal("step-2", evaluator.Plan(index.Candidates("step-3")[0]).StdinDep);     // the helper goes on
    }

    [Fact]
    public void ClassAttributesAreUsableInCmdAndTargets()
    {
        using var repo = new LmakefileRepo(Head + """
            class Greet(Rule):
                greeting = 'hello'
                ext      = 'greet'
                count    = 3
                target   = '{Who:\w+}.{ext}'
                cmd      = 'echo {greeting} {Who} {count}'
            class PyGreet(PyRule):
                greeting = 'bonjour'
                target   = '{Who:\w+}.pygreet'
                def cmd():
                    print(greeting, Who)
            """);
        Makefiles m = repo.Read();
        var index = new RuleIndex(m.Rules);
        using var evaluator = new RuleEvaluator(m, TestLayout.Layout, repo.Root);
        JobPlan shell = evaluator.Plan(Assert.Single(index.Candidates("world.greet")));
        Assert.Equal("echo hello world 3", shell.Script);
        JobPlan py = evaluator.Plan(Assert.Single(index.Candidates("monde.pygreet")));
        var (exit, stdout, stderr) = HelloTests.RunArgv(py.Argv, repo.Root);
        Assert.True(exit == 0, stderr);
        Assert.Equal("bonjour monde\n", stdout);
    }

    [Fact]
    public void ShellCmdsOfBaseAndDerivedClassesRunOneAfterTheOther()
    {
        using var repo = new LmakefileRepo(Head + """
            class Base(Rule):
                cmd = 'echo base {File}'
            class Derived(Base):
                target = '{File:.*}.out'
                cmd = 'echo derived {File}'
            """);
        JobPlan plan = PlanFor(repo, "x.out", out _);
        Assert.Equal("echo base x\necho derived x", plan.Script);
        var (exit, stdout, _) = HelloTests.RunArgv(plan.Argv, repo.Root);
        Assert.Equal(0, exit);
        Assert.Equal("base x\nderived x\n", stdout);
    }

    [Fact]
    public void PythonCmdsAreChainedAndSentByValueWithTheGlobalsTheyUse()
    {
        using var repo = new LmakefileRepo(Head + """
            import os.path as osp
            from textwrap import indent
            SUFFIX = '!'
            TABLE = {'a': 1}
            def shout(s): return s.upper() + SUFFIX
            class Base(PyRule):
                def cmd():
                    print(shout('base'), osp.basename('/x/' + File), TABLE['a'])
            class Derived(Base):
                target = '{File:.*}.out'
                def cmd():
                    print(indent(shout(File), '> '))
            """);
        JobPlan plan = PlanFor(repo, "x.out", out _);
        var (exit, stdout, stderr) = HelloTests.RunArgv(plan.Argv, "/");        // not even in the repo
        Assert.True(exit == 0, stderr);
        Assert.Equal("BASE! x 1\n> X!\n", stdout);
    }

    [Fact]
    public void FlagsAreCamelCaseOrSnakeCaseAndMinusTurnsOneOff()
    {
        using var repo = new LmakefileRepo(Head + """
            class C(Rule):
                targets = {'OBJ': ('{F:.*}.o', 'Incremental', 'no_warning', '-Essential'), 'LOG': ('{F}.log', 'phony')}
                deps    = {'SRC': ('{F}.c', 'IgnoreError', '-required'), 'H': ('{F}.h', 'critical')}
                cmd     = 'true'
            """);
        JobPlan plan = PlanFor(repo, "a.o", out Makefiles m);
        Assert.Equal(TargetFlags.Incremental | TargetFlags.NoWarning, m.Rules[0].Targets[0].Flags);
        Assert.Equal([TargetFlags.Incremental | TargetFlags.NoWarning, TargetFlags.Phony | TargetFlags.Essential], plan.TargetFlags);
        Assert.Equal([DepFlags.Essential | DepFlags.IgnoreError, DepFlags.Essential | DepFlags.Required | DepFlags.Critical],
            plan.StaticDeps.Select(d => d.Flags));
    }

    [Fact]
    public void DynamicAttributesAndFunctionDeps()
    {
        using var repo = new LmakefileRepo(Head + """
            def get_deps():
                return {'SRC': File + '.c', 'OPT': (File + '.opt', 'IgnoreError')}
            class C(Rule):
                target  = '{File:.*}.o'
                deps    = get_deps
                timeout = lambda: 10 * len(File)
                environ = {'WHO': '{File.upper()}'}
                cmd     = 'cc {SRC}'
            """);
        JobPlan plan = PlanFor(repo, "abc.o", out Makefiles m);
        // cmd too: the keys of a deps function are known only per job
        Assert.Equal(new HashSet<string> { "deps", "cmd", "environ", "timeout" }, m.Rules[0].Dynamic);
        Assert.Equal([new StaticDep("SRC", "abc.c", DepFlags.Essential | DepFlags.Required),
                      new StaticDep("OPT", "abc.opt", DepFlags.Essential | DepFlags.Required | DepFlags.IgnoreError)], plan.StaticDeps);
        Assert.Equal(TimeSpan.FromSeconds(30), plan.Timeout);
        Assert.Equal("ABC", plan.Environ["WHO"]);
        Assert.Equal("cc abc.c", plan.Script);
    }
}
