// The hello Lmakefile of spec A2, read and planned: Compile for hello.o, Run (a PyRule) for hello.out.
using System.Diagnostics;
using Lmake.Server.Rules;

namespace Lmake.Rules.Tests;

public class HelloTests
{
    public const string HelloLmakefile = """
        import lmake
        from lmake.rules import Rule, PyRule, AliasRule, AntiRule, SourceRule

        lmake.manifest = ('Lmakefile.py', 'hello.c', 'hello.h')     # optional: else Manifest, else git

        class Compile(Rule):
            targets = {'OBJ': r'{File:.*}.o'}      # named target; {Stem:regexpr} defines a stem
            deps    = {'SRC': '{File}.c'}          # static dep, an f-string of the stems
            cmd     = 'gcc -c -o {OBJ} {SRC}'      # a str: a shell script (bash), f-string of stems/targets/deps

        class Run(PyRule):
            target = r'{File:.*}.out'              # `target`: the single target, which receives stdout
            deps   = {'EXE': '{File}.exe'}
            def cmd():                             # a function: run by python3; stems/targets/deps are globals
                import subprocess
                print(subprocess.run(['./' + EXE], capture_output=True, text=True).stdout, end='')
        """;

    [Fact]
    public void ReadsConfigSourcesAndRules()
    {
        using var repo = new LmakefileRepo(HelloLmakefile);
        Makefiles m = repo.Read();
        Assert.Equal(["Lmakefile.py", "hello.c", "hello.h"], m.Sources);
        Assert.Empty(m.SourceDirs);
        Assert.Equal("manifest", m.SourcesOrigin);
        Assert.Equal(["Compile", "Run"], m.Rules.Select(r => r.Name));
        Assert.Equal(200, m.Config.PathMax);
        Assert.Equal(100, m.Config.MaxDepDepth);
        Assert.True(m.Config.LocalCpu >= 1);
        Rule compile = m.Rules[0];
        Assert.Equal(RuleKind.Plain, compile.Kind);
        Assert.False(compile.IsPython);
        Assert.Equal("Lmakefile.py:6", compile.Location);
        Assert.True(m.Rules[1].IsPython);
        Assert.Contains(Path.Combine(repo.Root, "Lmakefile.py"), m.FilesRead.Select(Path.GetFullPath));
    }

    [Fact]
    public void PlansCompileForHelloO()
    {
        using var repo = new LmakefileRepo(HelloLmakefile);
        Makefiles m = repo.Read();
        var index = new RuleIndex(m.Rules);
        RuleMatch match = Assert.Single(index.Candidates("hello.o"));
        Assert.Equal("Compile", match.Rule.Name);
        Assert.Equal("hello", match.Stems["File"]);
        using var evaluator = new RuleEvaluator(m, TestLayout.Layout, repo.Root);
        JobPlan plan = evaluator.Plan(match);
        Assert.Equal("hello.o", plan.JobName);
        Assert.Equal(["hello.o"], plan.Targets);
        Assert.Equal([new StaticDep("SRC", "hello.c", DepFlags.Essential | DepFlags.Required)], plan.StaticDeps);
        Assert.Equal(["/bin/bash", "-c", "gcc -c -o hello.o hello.c"], plan.Argv);
        Assert.Null(plan.StdoutTarget);
        Assert.Equal("1", plan.Resources["cpu"]);
        Assert.Equal("ld_preload", plan.Autodep);
        Assert.Equal(0, evaluator.HelperRequests);          // plain {Stem} f-strings need no python
    }

    [Fact]
    public void PlansRunForHelloOutAndItsPythonCmdRunsByValue()
    {
        using var repo = new LmakefileRepo(HelloLmakefile);
        repo.Write("hello.exe", "#!/bin/sh\necho 'hello world'\n");
        File.SetUnixFileMode(Path.Combine(repo.Root, "hello.exe"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        Makefiles m = repo.Read();
        RuleMatch match = Assert.Single(new RuleIndex(m.Rules).Candidates("hello.out"));
        Assert.Equal("Run", match.Rule.Name);
        using var evaluator = new RuleEvaluator(m, TestLayout.Layout, repo.Root);
        JobPlan plan = evaluator.Plan(match);
        Assert.Equal("hello.out", plan.JobName);
        Assert.Equal("hello.out", plan.StdoutTarget);
        Assert.Equal(["hello.out"], plan.Targets);
        Assert.Equal("hello.exe", Assert.Single(plan.StaticDeps).Name);
        Assert.Equal("-c", plan.Argv[^2]);
        Assert.Contains("EXE = \"hello.exe\"", plan.Script);
        Assert.Equal("1", plan.Environ["PYTHONDONTWRITEBYTECODE"]);
        // the script stands alone: run it as job_exec would, in the repo, without the Lmakefile
        var (exit, stdout, stderr) = RunArgv(plan.Argv, repo.Root);
        Assert.True(exit == 0, stderr);
        Assert.Equal("hello world\n", stdout);
    }

    internal static (int, string, string) RunArgv(string[] argv, string cwd)
    {
        var psi = new ProcessStartInfo(argv[0]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = cwd };
        foreach (string a in argv.Skip(1)) psi.ArgumentList.Add(a);
        using Process p = Process.Start(psi)!;
        Task<string> err = p.StandardError.ReadToEndAsync();
        string output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, output, err.Result);
    }

    [Fact]
    public void SummariesAreWrittenForUsers()
    {
        using var repo = new LmakefileRepo(HelloLmakefile);
        Makefiles m = repo.Read();
        string lmakeDir = Path.Combine(repo.Root, "LMAKE");
        Directory.CreateDirectory(lmakeDir);
        m.WriteSummaries(Path.Combine(lmakeDir, "config"), Path.Combine(lmakeDir, "rules"), Path.Combine(lmakeDir, "manifest"));
        Assert.Contains("path_max", File.ReadAllText(Path.Combine(lmakeDir, "config")));
        string rules = File.ReadAllText(Path.Combine(lmakeDir, "rules"));
        Assert.Contains("Compile (plain) Lmakefile.py:6", rules);
        Assert.Contains("target  : OBJ = {File}.o", rules);
        Assert.Contains("gcc -c -o {OBJ} {SRC}", rules);
        Assert.Equal(["# sources from manifest", "Lmakefile.py", "hello.c", "hello.h"], File.ReadAllLines(Path.Combine(lmakeDir, "manifest")));
    }

    [Fact]
    public void StoredStateRoundTrips()
    {
        using var repo = new LmakefileRepo(HelloLmakefile);
        Makefiles m = repo.Read();
        Makefiles back = Makefiles.FromJson(m.ToJson());
        Assert.Equal(m.Rules.Select(r => (r.Name, r.CmdSignature)), back.Rules.Select(r => (r.Name, r.CmdSignature)));
        Assert.Equal(m.Sources, back.Sources);
        Assert.False(back.IsStale(repo.Root));
    }

    // once saved, the reader's deps are let go (issue 18): the compiled rules keep theirs, a second save is refused
    [Fact]
    public void DepDocumentsLetGoLeaveTheCompiledRules()
    {
        using var repo = new LmakefileRepo(HelloLmakefile);
        Makefiles m = repo.Read();
        var before = m.Rules.Select(r => (r.Name, r.CmdSignature, Deps: string.Join(',', r.Deps.Select(d => d.Key)))).ToList();
        m.LetGoOfDepDocuments();
        Assert.Equal(before, m.Rules.Select(r => (r.Name, r.CmdSignature, Deps: string.Join(',', r.Deps.Select(d => d.Key)))).ToList());
        Assert.Contains(before, r => r.Deps.Length > 0);
        Assert.Throws<InvalidOperationException>(() => m.ToJson());
    }
}
