// What is read around a listing or an exec that no wrapper of the program's own calls sees: glob(3) lists dirs
// with libc's internal opendir, the kernel reads the "#!" chain of a script, the dynamic loader searches
// LD_LIBRARY_PATH before the shim is loaded. lautodep must list them all, with the names a user expects.
namespace Lmake.Autodep.Tests;

public class ExecReadsTests
{
    private const string GlobProgram = """
        #include <glob.h>
        #include <stdio.h>
        int main(int argc, char **argv) {
            glob_t g;
            int r = glob(argc > 1 ? argv[1] : "*", 0, NULL, &g);
            printf("%d %zu\n", r, r == 0 ? g.gl_pathc : 0);
            if (r == 0) globfree(&g);
            return 0;
        }
        """;

    private static RunResult CompileAndRun(TempRepo repo, string pattern)
    {
        repo.Write("g.c", GlobProgram);
        var cc = InstalledTree.Run("gcc", ["-o", "g", "g.c"], repo.Path);
        Assert.True(cc.ExitCode == 0, cc.ToString());
        return repo.Lautodep("./g", pattern);
    }

    [Fact]
    public void Glob_of_a_sub_dir_is_a_readdir_of_that_dir()
    {
        using var repo = new TempRepo();
        repo.Write("sub/one.txt", "");
        repo.Write("sub/two.txt", "");
        var r = CompileAndRun(repo, "sub/*.txt");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.StartsWith("0 2\n", r.Stdout);
        Assert.Contains("D", r.Listing()["sub"]);
    }

    [Fact]
    public void Glob_in_the_repo_root_is_a_readdir_named_dot()
    {
        using var repo = new TempRepo();
        var r = CompileAndRun(repo, "*.c");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.StartsWith("0 1\n", r.Stdout);
        Assert.Contains("D", r.Listing()["."]);
    }

    [Fact]
    public void A_shell_listing_the_repo_root_is_a_readdir_named_dot()
    {
        using var repo = new TempRepo();
        repo.Write("a", "");
        var r = repo.Lautodep("bash", "-c", "ls > /dev/null");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("D", r.Listing()["."]);
    }

    [Fact]
    public void A_script_exec_reads_its_interpreters_up_to_the_kernel_depth()
    {
        using var repo = new TempRepo();
        repo.Write("i1", "#!/bin/sh\necho ran\n");
        for (int i = 1; i <= 5; i++) repo.Write($"i{i + 1}", $"#!i{i}\n");
        for (int i = 1; i <= 6; i++) File.SetUnixFileMode(repo[$"i{i}"], (UnixFileMode)0b111_101_101);
        // from a shell (seen by the shim): i5 reaches /bin/sh through i4..i1
        var ok = repo.Lautodep("bash", "-c", "./i5");
        Assert.True(ok.ExitCode == 0, ok.ToString());
        var l = ok.Listing();
        foreach (string i in new[] { "i5", "i4", "i3", "i2", "i1" }) Assert.Contains("X", l[i]);
        // i6 is one too deep: the kernel stops (ELOOP) without reading i1
        var tooDeep = repo.Lautodep("bash", "-c", "./i6");
        Assert.NotEqual(0, tooDeep.ExitCode);
        var l6 = tooDeep.Listing();
        foreach (string i in new[] { "i6", "i5", "i4", "i3", "i2" }) Assert.True(l6.ContainsKey(i), $"{i} not listed\n{tooDeep}");
        Assert.False(l6.ContainsKey("i1"), tooDeep.ToString());
    }

    [Fact]
    public void The_first_program_of_a_job_has_its_interpreters_read_too()
    {
        using var repo = new TempRepo();
        repo.Write("inner", "#!/bin/sh\necho ran\n");
        repo.Write("outer", "#!inner\n");
        File.SetUnixFileMode(repo["inner"], (UnixFileMode)0b111_101_101);
        File.SetUnixFileMode(repo["outer"], (UnixFileMode)0b111_101_101);
        var r = repo.Lautodep("./outer");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("X", r.Listing()["outer"]);
        Assert.Contains("X", r.Listing()["inner"]);
    }

    [Theory]
    [InlineData("ld_preload")]
    [InlineData("ptrace")]
    public void A_library_dir_of_the_repo_is_searched_for_the_libraries_of_each_program(string method)
    {
        using var repo = new TempRepo();
        // the first program (env) and the one it execs (true) both need libc: looked for in libs/ first
        var r = repo.Lautodep("-m", method, "env", "LD_LIBRARY_PATH=libs", "/bin/true");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal("R!", r.Listing()["libs/libc.so.6"]);
    }
}
