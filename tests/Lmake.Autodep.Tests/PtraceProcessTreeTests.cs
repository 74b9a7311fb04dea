// A program that forks, vforks (then execs) and runs threads: every access of every process and thread is
// recorded, under ld_preload and under ptrace, and under ptrace for the same program linked statically.
namespace Lmake.Autodep.Tests;

public class PtraceProcessTreeTests
{
    private const string Program = """
        #define _GNU_SOURCE
        #include <fcntl.h>
        #include <pthread.h>
        #include <stdio.h>
        #include <sys/stat.h>
        #include <sys/wait.h>
        #include <unistd.h>
        static void *reader(void *arg) {
            char name[16]; struct stat st;
            snprintf(name, sizeof name, "t%ld", (long)arg);
            int fd = open(name, O_RDONLY); if (fd >= 0) close(fd);
            snprintf(name, sizeof name, "t%ld.missing", (long)arg);
            stat(name, &st);
            return NULL;
        }
        int main(void) {
            int st;
            pid_t p = fork();
            if (p == 0) {  // a forked child that forks again and writes
                if (fork() == 0) { int fd = open("from_grandchild", O_WRONLY | O_CREAT, 0644); close(fd); _exit(0); }
                wait(&st);
                int fd = open("a", O_RDONLY); close(fd);
                _exit(0);
            }
            waitpid(p, &st, 0);
            pid_t v = vfork();
            if (v == 0) { char *argv[] = {"cat", "b", NULL}; execv("/bin/cat", argv); _exit(127); }
            waitpid(v, &st, 0);
            if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) return 3;
            pthread_t t[4];
            for (long i = 0; i < 4; i++) pthread_create(&t[i], NULL, reader, (void *)i);
            for (int i = 0; i < 4; i++) pthread_join(t[i], NULL);
            int fd = open("out", O_WRONLY | O_CREAT | O_TRUNC, 0644); close(fd);
            return 0;
        }
        """;

    private static readonly Lazy<string> s_binaries = new(() =>
    {
        string dir = Directory.CreateTempSubdirectory("lmake-process-tree-").FullName;
        File.WriteAllText(Path.Combine(dir, "tree.c"), Program);
        var r = InstalledTree.Run("/bin/bash", ["-c", "gcc -O1 -pthread -o tree tree.c && gcc -O1 -static -pthread -o tree-static tree.c"], dir);
        Assert.True(r.ExitCode == 0, r.ToString());
        return dir;
    });

    [Theory]
    [InlineData("tree", AutodepMethod.LdPreload)]
    [InlineData("tree", AutodepMethod.Ptrace)]
    [InlineData("tree-static", AutodepMethod.Ptrace)]
    public void Every_process_and_thread_is_followed(string program, AutodepMethod method)
    {
        using var repo = new TempRepo();
        repo.Write("a", "a");
        repo.Write("b", "b");
        for (int i = 0; i < 4; i++) repo.Write($"t{i}", "");
        var o = PtraceJobRunner.Run(repo.Path, [Path.Combine(s_binaries.Value, program)], method);
        Assert.True(o.ExitCode == 0, PtraceJobRunner.Describe(o));
        Assert.Equal("b", o.Stdout);
        // Processes and threads run concurrently: the order between them is theirs, the set is exact.
        var listing = PtraceJobRunner.Listing(o.Accesses).Split('|').Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(
            ["R a", "R b", "R t0", "R t1", "R t2", "R t3", "S! t0.missing", "S! t1.missing", "S! t2.missing", "S! t3.missing",
             "W from_grandchild", "W out"],
            listing);
        // What one process did in order stays in order: the grandchild's write before its parent's read.
        var names = o.Accesses.Select(a => a.Name).ToList();
        Assert.True(names.IndexOf("from_grandchild") < names.IndexOf("a"), PtraceJobRunner.Describe(o));
        Assert.Equal("out", names[^1]);
    }

    [Fact]
    public void A_python_program_with_imports_under_ptrace_reads_its_modules()
    {
        using var repo = new TempRepo();
        repo.Write("pkg/__init__.py", "");
        repo.Write("pkg/mod.py", "VALUE = 7\n");
        repo.Write("main.py", "import pkg.mod\nprint(pkg.mod.VALUE)\n");
        var o = PtraceJobRunner.Run(repo.Path, ["/usr/bin/python3", "-B", "main.py"], AutodepMethod.Ptrace);
        Assert.True(o.ExitCode == 0, PtraceJobRunner.Describe(o));
        Assert.Equal("7\n", o.Stdout);
        var kinds = o.Accesses.ToDictionary(a => a.Name, a => a.Kinds);
        Assert.True(kinds.TryGetValue("main.py", out var k) && (k & AccessKind.Read) != 0, PtraceJobRunner.Describe(o));
        Assert.True(kinds.TryGetValue("pkg/mod.py", out k) && (k & AccessKind.Read) != 0, PtraceJobRunner.Describe(o));
        Assert.True(kinds.TryGetValue("pkg/__init__.py", out k) && (k & AccessKind.Read) != 0, PtraceJobRunner.Describe(o));
    }
}
