// lmark, lforget, ldebug, lcollect (spec C) on a built hello repo, as a user would type them.
namespace Lmake.EndToEnd.Tests;

public sealed class AdminSteerTests : IDisposable
{
    private readonly AdminRepo _r = new();

    public AdminSteerTests() => _r.Build();

    public void Dispose() => _r.Dispose();

    [Fact]
    public void AFrozenFileActsAsASourceAcrossServersAndTheSummarySaysWhy()
    {
        Assert.Equal("", _r.Out("lmark", "-a", "-f", "hello.o"));
        _r.Repo.Write("hello.c", "#include <stdio.h>\nint main() { printf(\"changed\\n\"); return 0; }\n");
        LmakeOutput o = _r.Lmake("hello.out");
        Assert.True(o.Result.ExitCode == 0, o.ToString());
        Assert.DoesNotContain(o.Jobs, s => s.Word != "frozen");
        Assert.Contains(o.Statuses, s => s.Word == "frozen" && s.Name == "hello.o");
        Assert.Contains(o.Summary, l => l.StartsWith("marked frozen : hello.o", StringComparison.Ordinal));
        Assert.Equal("hello\n", _r.Repo.Read("hello.out"));

        _r.WaitForNoServer();   // marks survive the server
        Assert.Equal("hello.o\n", _r.Out("lmark", "-l", "-f"));
        Assert.Equal("", _r.Out("lmark", "-d", "-f", "hello.o"));
        Assert.Equal("", _r.Out("lmark", "-l", "-f"));
        LmakeOutput thawed = _r.Lmake("hello.out");
        Assert.Contains(thawed.Jobs, s => s.Word == "done" && s.Rule == "Compile");
        Assert.Equal("changed\n", _r.Repo.Read("hello.out"));
        Assert.DoesNotContain(thawed.Summary, l => l.StartsWith("marked", StringComparison.Ordinal));
    }

    [Fact]
    public void AFrozenJobIsNotRunAndANoTriggerFileRerunsNothing()
    {
        Assert.Equal("", _r.Out("lmark", "-a", "-f", "-J", "hello.exe"));
        Assert.Equal("Link hello.exe\n", _r.Out("lmark", "-l", "-f", "-J"));
        _r.Repo.Write("hello.c", "#include \"hello.h\"\n#include <stdio.h>\nint main() { printf(\"again %s\\n\", GREETING); return 0; }\n");
        LmakeOutput o = _r.Lmake("hello.out");
        Assert.True(o.Result.ExitCode == 0, o.ToString());
        Assert.Contains(o.Jobs, s => s.Word == "done" && s.Rule == "Compile");
        Assert.Contains(o.Jobs, s => s.Word == "frozen" && s.Rule == "Link");
        Assert.Contains(o.Summary, l => l.StartsWith("marked frozen job : Link hello.exe", StringComparison.Ordinal));
        Assert.Equal("", _r.Out("lmark", "-c", "-f", "-J"));

        Assert.Equal("", _r.Out("lmark", "-a", "-t", "inc2/hello.h"));
        Assert.Equal("inc2/hello.h\n", _r.Out("lmark", "-l", "-t"));
        _r.Repo.Write("inc2/hello.h", "#define GREETING \"ignored\"\n");
        LmakeOutput quiet = _r.Lmake("hello.o");
        Assert.Empty(quiet.Jobs);
        Assert.Contains(quiet.Summary, l => l.StartsWith("marked no-trigger : inc2/hello.h", StringComparison.Ordinal));
        Assert.Equal("", _r.Out("lmark", "-c", "-t"));
        LmakeOutput again = _r.Lmake("hello.o");
        Assert.Contains(again.Jobs, s => s.Word == "done" && s.Rule == "Compile");
    }

    [Fact]
    public void LmarkUsageErrors()
    {
        Assert.Equal(11, _r.Run("lmark", "-f", "hello.o").ExitCode);         // no action
        Assert.Equal(11, _r.Run("lmark", "-a", "hello.o").ExitCode);         // no kind
        Assert.Equal(11, _r.Run("lmark", "-a", "-f").ExitCode);              // no file
        CommandResult notMarked = _r.Run("lmark", "-d", "-f", "hello.o");
        Assert.Equal(0, notMarked.ExitCode);
        Assert.Contains("hello.o was not marked", notMarked.Stderr);
    }

    [Fact]
    public void ForgottenJobsRunAgain()
    {
        Assert.Equal("forgot Compile hello.o\n", _r.Out("lforget", "hello.o"));
        LmakeOutput o = _r.Lmake("hello.out");
        // same hello.o as the file already held: steady, and Link cut off
        Assert.Equal([("steady", "Compile")], o.Jobs.Select(s => (s.Word, s.Rule)));

        Assert.Equal("forgot Link hello.exe\n", _r.Out("lforget", "-d", "-J", "hello.exe"));
        Assert.Equal("forgot Link hello.exe\n", _r.Out("lforget", "-t", "hello.exe"));
        Assert.Contains(_r.Lmake("hello.out").Jobs, s => s.Word == "steady" && s.Rule == "Link");   // it runs again, same hello.exe
        // -r: only jobs whose resources changed since they ran; none did
        Assert.Equal("", _r.Out("lforget", "-r", "hello.o"));
        CommandResult source = _r.Run("lforget", "hello.c");
        Assert.Equal(1, source.ExitCode);
        Assert.Contains("is a source", source.Stderr);
    }

    [Fact]
    public void LdebugWritesTheJobsScriptAndRunsIt()
    {
        CommandResult dry = _r.Run("ldebug", "-n", "hello.o");
        Assert.True(dry.ExitCode == 0, dry.ToString());
        string line = dry.Stdout.Split('\n').Single(l => l.StartsWith("script : ", StringComparison.Ordinal));
        string script = File.ReadAllText(Path.Combine(_r.Repo.Path, line["script : ".Length..]));
        Assert.Matches(@"LMAKE/debug/\d+/script", line);
        Assert.Contains("gcc -c -Iinc1 -Iinc2 -o hello.o hello.c", script);
        Assert.Contains($"cd '{_r.Repo.Path}'", script);
        Assert.Contains("'TMPDIR=", script);
        Assert.Contains("rm -rf", script);

        File.Delete(_r.Repo["hello.o"]);
        CommandResult run = _r.Run("ldebug", "hello.o");
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.True(File.Exists(_r.Repo["hello.o"]), "the script remade hello.o");

        CommandResult shell = _r.Run("ldebug", "-n", "-t", "-k", "shell", "hello.o");
        string shellScript = File.ReadAllText(_r.Repo[shell.Stdout.Split('\n').Single(l => l.StartsWith("script : ", StringComparison.Ordinal))["script : ".Length..]]);
        Assert.Contains("/bin/bash --norc -i", shellScript);
        Assert.Contains("tmp dir kept", shellScript);
        Assert.Equal(11, _r.Run("ldebug", "-k", "gdb", "hello.o").ExitCode);
        Assert.Equal(1, _r.Run("ldebug", "-n", "hello.c").ExitCode);
    }

    [Fact]
    public void LcollectRemovesOnlyWhatNoJobClaims()
    {
        _r.Repo.Write("notes.txt", "mine\n");   // never made by lmake: kept
        _r.Repo.Add("Lmakefile.py", AdminRepo.Lmakefile.Replace("class Run(PyRule):", "class Run(PyRule):\n    virtual = True"));
        Assert.Equal("hello.out\n", _r.Out("lcollect", "-n", "."));
        Assert.True(File.Exists(_r.Repo["hello.out"]));
        Assert.Equal("unlink hello.out\n", _r.Out("lcollect", "."));
        Assert.False(File.Exists(_r.Repo["hello.out"]));
        foreach (string kept in new[] { "hello.o", "hello.exe", "hello.c", "notes.txt" }) Assert.True(File.Exists(_r.Repo[kept]), kept);
        Assert.Equal("", _r.Out("lcollect", "."));
    }
}
