// autodep='ptrace' through the installed lmake: a rule running a static program (which LD_PRELOAD cannot
// see into) gets the file that program reads as a dep, so editing that file remakes the target.
namespace Lmake.Autodep.Tests;

public class PtraceLmakeTests
{
    private static readonly Lazy<string> s_reader = new(() =>
    {
        string dir = Directory.CreateTempSubdirectory("lmake-static-reader-").FullName;
        File.WriteAllText(Path.Combine(dir, "reader.c"), """
            #include <fcntl.h>
            #include <unistd.h>
            int main(int argc, char **argv) {
                char buf[4096]; int fd = open(argv[1], O_RDONLY); if (fd < 0) return 1;
                for (ssize_t n; (n = read(fd, buf, sizeof buf)) > 0;) if (write(1, buf, n) != n) return 1;
                return 0;
            }
            """);
        var r = InstalledTree.Run("/usr/bin/gcc", ["-O1", "-static", "-o", "reader", "reader.c"], dir);
        Assert.True(r.ExitCode == 0, r.ToString());
        return Path.Combine(dir, "reader");
    });

    private static RunResult Git(TempRepo repo, params string[] args) => InstalledTree.Run("/usr/bin/git", args, repo.Path);

    private static RunResult Lmake(TempRepo repo, params string[] targets) =>
        InstalledTree.Run(Path.Combine(InstalledTree.Root, "bin", "lmake"), targets, repo.Path, TimeSpan.FromMinutes(2));

    [Fact]
    public void A_static_program_run_under_ptrace_gets_what_it_reads_as_deps()
    {
        using var repo = new TempRepo();
        Assert.Equal(0, Git(repo, "init", "-q").ExitCode);
        repo.Write("Lmakefile.py", $$"""
            from lmake.rules import Rule
            class Traced(Rule):
                targets = {'T': r'{F:.*}.ptrace'}
                autodep = 'ptrace'
                cmd     = '{{s_reader.Value}} {F} > {T}'
            class Preloaded(Rule):
                targets = {'T': r'{F:.*}.preload'}
                cmd     = '{{s_reader.Value}} {F} > {T}'
            """);
        repo.Write("hidden", "v1\n");
        Assert.Equal(0, Git(repo, "add", "Lmakefile.py", "hidden").ExitCode);

        var first = Lmake(repo, "hidden.ptrace", "hidden.preload");
        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Equal("v1\n", File.ReadAllText(repo["hidden.ptrace"]));
        Assert.Equal("v1\n", File.ReadAllText(repo["hidden.preload"]));

        repo.Write("hidden", "v2\n");
        var second = Lmake(repo, "hidden.ptrace", "hidden.preload");
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Equal("v2\n", File.ReadAllText(repo["hidden.ptrace"]));  // the dep was seen: remade
        // What ptrace is for: the shim cannot see the static program's read, so that target is not remade.
        Assert.Equal("v1\n", File.ReadAllText(repo["hidden.preload"]));
    }
}
