// A real compiler under both methods: gcc with -I search paths finds the same headers (and misses the same
// candidates) whether its accesses are seen by the shim or by ptrace.
namespace Lmake.Autodep.Tests;

public class PtraceCompilerTests
{
    [Fact]
    public void Gcc_with_search_paths_records_the_same_deps_under_ld_preload_and_ptrace()
    {
        using var repo = new TempRepo();
        repo.Write("inc1/a.h", "#include \"b.h\"\n#define A 1\n");
        repo.Write("inc2/b.h", "#include <c.h>\n#define B 2\n");
        repo.Write("inc2/c.h", "#define C 3\n");
        repo.Write("src/main.c", "#include \"a.h\"\nint main(void) { return A + B + C - 6; }\n");
        string[] argv = ["/usr/bin/gcc", "-Iinc0", "-Iinc1", "-Iinc2", "-c", "src/main.c", "-o", "main.o"];
        var preload = PtraceJobRunner.Run(repo.Path, argv, AutodepMethod.LdPreload);
        Assert.True(preload.ExitCode == 0, PtraceJobRunner.Describe(preload));
        File.Delete(repo["main.o"]);
        var ptrace = PtraceJobRunner.Run(repo.Path, argv, AutodepMethod.Ptrace);
        Assert.True(ptrace.ExitCode == 0, PtraceJobRunner.Describe(ptrace));
        // gcc's temporary files live outside the repo; everything in it must agree, kinds and order included,
        // but for gcc's realpath of its input and output: the shim records realpath as a stat of the end, the
        // kernel sees glibc's readlink of each component (the dir src, then the file).
        string expected = PtraceJobRunner.Listing(preload.Accesses);
        Assert.StartsWith("RS src/main.c|SW! main.o|S! inc0|S inc1|S inc2|", expected);
        Assert.Contains("R! inc1/b.h|R inc2/b.h|R! inc1/c.h|R inc2/c.h", expected);
        string realpathAsSyscalls = "L src|RL src/main.c|SLW! main.o|" + expected["RS src/main.c|SW! main.o|".Length..];
        Assert.True(realpathAsSyscalls == PtraceJobRunner.Listing(ptrace.Accesses),
            $"ld_preload: {expected}\nptrace:     {PtraceJobRunner.Listing(ptrace.Accesses)}");
    }
}
