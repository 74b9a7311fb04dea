// The hello example of spec A2, end to end with the installed binaries on a temporary git repo.
namespace Lmake.EndToEnd.Tests;

public sealed class HelloTests : IDisposable
{
    private readonly TempRepo _repo = new();

    public HelloTests()
    {
        _repo.Add("Lmakefile.py", LmakeRepo.HelloLmakefile);
        _repo.Add("hello.c", "#include \"hello.h\"\n#include <stdio.h>\nint main() { printf(\"%s\\n\", GREETING); return 0; }\n");
        _repo.Add("inc2/hello.h", "// the greeting\n#define GREETING \"hello\"\n");
    }

    public void Dispose()
    {
        _repo.Dispose();
    }

    private LmakeOutput Lmake(params string[] args) => new(_repo.Run("lmake", args));

    [Fact]
    public void BuildsThenIsUpToDateThenCutsOffOnAComment()
    {
        LmakeOutput first = Lmake("hello.out");
        Assert.True(first.Result.ExitCode == 0, first.ToString());
        Assert.Equal(["done", "done", "done"], first.Jobs.Select(s => s.Word));
        Assert.Equal(["Compile", "Link", "Run"], first.Jobs.Select(s => s.Rule));
        Assert.Contains("new", first.Words("hello.c"));
        Assert.Contains("new", first.Words("inc2/hello.h"));
        Assert.Equal("hello\n", _repo.Read("hello.out"));
        Assert.Contains(first.Summary, l => l.StartsWith("done    time :", StringComparison.Ordinal) && l.Contains("(3 jobs)"));

        LmakeOutput second = Lmake("hello.out");
        Assert.True(second.Result.ExitCode == 0, second.ToString());
        Assert.Empty(second.Jobs);
        Assert.Contains("was already up-to-date : hello.out", second.Summary);

        _repo.Write("inc2/hello.h", "// the greeting, said once\n#define GREETING \"hello\"\n");
        LmakeOutput third = Lmake("hello.out");
        Assert.True(third.Result.ExitCode == 0, third.ToString());
        Assert.Equal(["changed"], third.Words("inc2/hello.h"));
        Assert.Equal([("steady", "Compile")], third.Jobs.Select(s => (s.Word, s.Rule)));

        _repo.Write("inc2/hello.h", "#define GREETING \"bonjour\"\n");
        LmakeOutput fourth = Lmake("hello.out");
        Assert.True(fourth.Result.ExitCode == 0, fourth.ToString());
        Assert.Equal(["Compile", "Link", "Run"], fourth.Jobs.Where(s => s.Word == "done").Select(s => s.Rule));
        Assert.Equal("bonjour\n", _repo.Read("hello.out"));
    }

    [Fact]
    public void AHeaderAppearingEarlierOnTheIncludePathRerunsTheCompile()
    {
        Assert.Equal(0, Lmake("hello.out").Result.ExitCode);
        _repo.Add("inc1/hello.h", "#define GREETING \"shadowed\"\n");
        LmakeOutput again = Lmake("hello.out");
        Assert.True(again.Result.ExitCode == 0, again.ToString());
        Assert.Contains(again.Jobs, s => s.Rule == "Compile" && s.Word == "done");
        Assert.Equal("shadowed\n", _repo.Read("hello.out"));
    }

    [Fact]
    public void AFailingCompileIsReportedWithItsStderrAndExitCode1()
    {
        _repo.Write("hello.c", "this is not C\n");
        LmakeOutput r = Lmake("hello.out");
        Assert.Equal(1, r.Result.ExitCode);
        Assert.Equal([("failed", "Compile")], r.Jobs.Select(s => (s.Word, s.Rule)));
        Assert.Contains(r.Other, l => l.StartsWith('\t'));
        // the jobs that need it as a static dep do not run and print no status line; the summary shows the chain
        Assert.Contains(r.Summary, l => l.StartsWith("failed  time :", StringComparison.Ordinal));
        Assert.Contains(r.Summary, l => l.Contains("Run") && l.Contains("hello.out"));
        Assert.Contains(r.Summary, l => l.Contains("Compile") && l.Contains("hello.o"));
    }

    [Fact]
    public void ADanglingFileIsRefusedWithAHint()
    {
        _repo.Write("inc1/hello.h", "#define GREETING \"untracked\"\n");   // exists, not in git: dangling
        LmakeOutput r = Lmake("hello.out");
        Assert.Equal(1, r.Result.ExitCode);
        Assert.Contains(r.Statuses, s => s.Word == "dangling" && s.Name == "inc1/hello.h");
        Assert.Contains("  consider : git add inc1/hello.h", r.Other);
    }
}
