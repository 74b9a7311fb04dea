// End-to-end: the installed lautodep runs real programs (gcc, python3, bash, a C program with fork and
// threads) under the shim and lists exactly what they read and wrote in the repo.
namespace Lmake.Autodep.Tests;

public class LautodepTests
{
    private static void AssertKinds(Dictionary<string, string> listing, string name, string expected, RunResult r)
    {
        Assert.True(listing.TryGetValue(name, out string? kinds), $"{name} not listed\n{r}");
        Assert.Equal(expected, kinds);
    }

    [Fact]
    public void Method_ptrace_lists_what_the_command_read_and_wrote()
    {
        using var repo = new TempRepo();
        repo.Write("a", "a\n");
        var r = repo.Lautodep("-m", "ptrace", "/bin/sh", "-c", "cat a > b");
        Assert.True(r.ExitCode == 0, r.ToString());
        var l = r.Listing();
        Assert.Contains("R", l["a"]);
        Assert.Contains("W", l["b"]);
        Assert.Equal("a\n", File.ReadAllText(repo["b"]));
    }

    [Fact]
    public void Gcc_finds_the_header_and_the_missing_probes_in_earlier_include_dirs()
    {
        using var repo = new TempRepo();
        repo.Write("inc2/a.h", "#define A 1\n");
        repo.Write("inc2/b.h", "#include \"a.h\"\n");
        repo.Write("inc1/other.h", "");
        repo.Write("x.c", "#include <b.h>\nint main(void) { return A - 1; }\n");
        var r = repo.Lautodep("gcc", "-c", "-Iinc1", "-Iinc2", "x.c", "-o", "x.o");
        Assert.True(r.ExitCode == 0, r.ToString());
        var l = r.Listing();
        Assert.Contains("R", l["x.c"]);
        AssertKinds(l, "inc1/b.h", "R!", r);      // probed, not there
        AssertKinds(l, "inc2/b.h", "R", r);       // found
        AssertKinds(l, "inc2/a.h", "R", r);       // found next to b.h (quote include: b.h's own dir first)
        Assert.Contains("W", l["x.o"]);
        Assert.DoesNotContain(l.Keys, k => k.StartsWith('/'));  // system headers are outside the repo
        Assert.False(l.ContainsKey("inc1/other.h"));
        // first-access order: the source before the headers it includes, the probe before the find
        var names = r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(x => x[(x.IndexOf(' ') + 1)..]).ToList();
        Assert.True(names.IndexOf("x.c") < names.IndexOf("inc1/b.h"));
        Assert.True(names.IndexOf("inc1/b.h") < names.IndexOf("inc2/b.h"));
    }

    [Fact]
    public void Python_imports_of_local_modules_are_deps()
    {
        using var repo = new TempRepo();
        repo.Write("mod.py", "VALUE = 41\n");
        repo.Write("pkg/__init__.py", "");
        repo.Write("pkg/sub.py", "from mod import VALUE\nTOTAL = VALUE + 1\n");
        repo.Write("x.py", "import pkg.sub\nopen('out.txt', 'w').write(str(pkg.sub.TOTAL))\n");
        var r = repo.Lautodep("env", "PYTHONDONTWRITEBYTECODE=1", "python3", "x.py");
        Assert.True(r.ExitCode == 0, r.ToString());
        var l = r.Listing();
        Assert.Contains("R", l["x.py"]);
        Assert.Contains("R", l["mod.py"]);
        Assert.Contains("R", l["pkg/__init__.py"]);
        Assert.Contains("R", l["pkg/sub.py"]);
        AssertKinds(l, "out.txt", "W", r);
        Assert.Equal("42", File.ReadAllText(repo["out.txt"]));
    }

    [Fact]
    public void A_shell_pipeline_reads_and_writes_through_every_process()
    {
        using var repo = new TempRepo();
        repo.Write("in1", "b\na\n");
        repo.Write("in2", "c\n");
        repo.Write("sub/in3", "d\n");
        var r = repo.Lautodep("bash", "-c", "cat in1 in2 | sort | tee mid > out; (cd sub && wc -l ../out in3 > ../count)");
        Assert.True(r.ExitCode == 0, r.ToString());
        var l = r.Listing();
        Assert.Contains("R", l["in1"]);
        Assert.Contains("R", l["in2"]);
        AssertKinds(l, "mid", "W", r);
        Assert.Contains("W", l["out"]);
        Assert.Contains("R", l["out"]);        // read back by wc, relative to the subshell's cwd
        Assert.Contains("R", l["sub/in3"]);
        AssertKinds(l, "count", "W", r);
        Assert.Equal("a\nb\nc\n", File.ReadAllText(repo["out"]));
    }

    [Fact]
    public void Writes_renames_and_unlinks_are_targets()
    {
        using var repo = new TempRepo();
        repo.Write("old", "x");
        repo.Write("victim", "x");
        var r = repo.Lautodep("bash", "-c", "echo 1 > tmp && mv tmp final && rm victim && mkdir d && ln -s final d/link && mv old renamed");
        Assert.True(r.ExitCode == 0, r.ToString());
        var l = r.Listing();
        AssertKinds(l, "tmp", "WU", r);
        Assert.Contains("W", l["final"]);
        Assert.Contains("U", l["victim"]);
        Assert.Contains("M", l["d"]);
        Assert.Contains("W", l["d/link"]);
        Assert.Contains("U", l["old"]);
        Assert.Contains("W", l["renamed"]);
        Assert.DoesNotContain("R", l["victim"]);  // removing is not reading
    }

    [Fact]
    public void Reads_outside_the_repo_are_ignored_unless_under_a_source_dir()
    {
        using var repo = new TempRepo();
        using var outside = new TempRepo();  // another tree: not the repo of this run
        outside.Write("lib/data", "d");
        repo.Write("here", "h");
        string data = Path.Combine(outside.Path, "lib/data");
        var r = repo.Lautodep("bash", "-c", $"cat /etc/hostname {data} here > /dev/null");
        Assert.True(r.ExitCode == 0, r.ToString());
        var l = r.Listing();
        Assert.Equal(["here"], l.Keys.ToArray());

        var withSource = repo.Lautodep("-s", Path.Combine(outside.Path, "lib"), "bash", "-c", $"cat /etc/hostname {data} here > /dev/null");
        var l2 = withSource.Listing();
        AssertKinds(l2, data, "R", withSource);
        AssertKinds(l2, "here", "R", withSource);
        Assert.False(l2.ContainsKey("/etc/hostname"));
    }

    [Fact]
    public void Symlinks_are_followed_and_each_link_is_a_dep()
    {
        using var repo = new TempRepo();
        repo.Write("real/file", "content");
        repo.Shell("ln -s real alias && ln -s alias/file hop");
        var r = repo.Lautodep("cat", "hop");
        Assert.True(r.ExitCode == 0, r.ToString());
        var l = r.Listing();
        AssertKinds(l, "hop", "L", r);
        AssertKinds(l, "alias", "L", r);
        AssertKinds(l, "real/file", "R", r);
        Assert.StartsWith("content", r.Stdout);
    }

    [Fact]
    public void A_directory_turned_into_a_symlink_during_the_job_is_seen_as_one()
    {
        // The shim remembers directories found link-free; a rename must make it look again.
        using var repo = new TempRepo();
        repo.Write("d/x", "x");
        repo.Write("d/y", "y");
        var r = repo.Lautodep("python3", "-c",
            "import os\nos.stat('d/x')\nos.rename('d', 'real')\nos.symlink('real', 'd')\nopen('d/y').read()\n");
        Assert.True(r.ExitCode == 0, r.ToString());
        var l = r.Listing();
        Assert.Contains("L", l["d"]);
        Assert.Contains("R", l["real/y"]);
        Assert.False(l.ContainsKey("d/y"), r.ToString());
    }

    [Fact]
    public void Forks_vforks_and_threads_are_all_tracked()
    {
        using var repo = new TempRepo();
        for (int i = 0; i < 4; i++) repo.Write($"t{i}", "t");
        repo.Write("forked", "f");
        repo.Write("vforked", "v");
        repo.Write("prog.c", """
            #include <pthread.h>
            #include <stdio.h>
            #include <stdlib.h>
            #include <sys/wait.h>
            #include <unistd.h>
            static void *reader(void *arg) {
                char name[8]; snprintf(name, sizeof name, "t%d", (int)(long)arg);
                FILE *f = fopen(name, "r"); if (f) fclose(f);
                return NULL;
            }
            int main(void) {
                pthread_t th[4];
                for (long i = 0; i < 4; i++) pthread_create(&th[i], NULL, reader, (void *)i);
                for (int i = 0; i < 4; i++) pthread_join(th[i], NULL);
                pid_t p = fork();
                if (p == 0) { FILE *f = fopen("forked", "r"); if (f) fclose(f); FILE *o = fopen("from_child", "w"); fclose(o); _exit(0); }
                waitpid(p, NULL, 0);
                p = vfork();
                if (p == 0) { execlp("cat", "cat", "vforked", (char *)NULL); _exit(127); }
                waitpid(p, NULL, 0);
                return 0;
            }
            """);
        var build = repo.Shell("gcc -O1 -pthread -o prog prog.c");
        Assert.True(build.ExitCode == 0, build.ToString());
        var r = repo.Lautodep("./prog");
        Assert.True(r.ExitCode == 0, r.ToString());
        var l = r.Listing();
        for (int i = 0; i < 4; i++) AssertKinds(l, $"t{i}", "R", r);
        AssertKinds(l, "forked", "R", r);
        AssertKinds(l, "from_child", "W", r);
        Assert.Contains("R", l["vforked"]);
        Assert.Contains("X", l["prog"]);
    }

    [Fact]
    public void The_cwd_is_followed_through_chdir_fchdir_and_a_vfork_child_that_changes_its_own()
    {
        using var repo = new TempRepo();
        repo.Write("a", "root a");
        repo.Write("sub/a", "sub a");
        repo.Write("sub/b", "sub b");
        repo.Write("sub/deeper/c", "c");
        repo.Write("prog.c", """
            #include <fcntl.h>
            #include <stdio.h>
            #include <sys/stat.h>
            #include <sys/wait.h>
            #include <unistd.h>
            int main(void) {
                struct stat st;
                pid_t p = vfork();
                if (p == 0) { chdir("sub"); execlp("cat", "cat", "b", (char *)NULL); _exit(127); }
                waitpid(p, NULL, 0);
                stat("a", &st);                       /* the parent is still at the root */
                int d = open("sub", O_RDONLY | O_DIRECTORY);
                fchdir(d);
                stat("deeper/c", &st);                /* now relative to sub */
                int e = openat(d, "../a", O_RDONLY);  /* relative to a dir fd */
                close(e);
                return 0;
            }
            """);
        var build = repo.Shell("gcc -O1 -o prog prog.c");
        Assert.True(build.ExitCode == 0, build.ToString());
        var r = repo.Lautodep("./prog");
        Assert.True(r.ExitCode == 0, r.ToString());
        var l = r.Listing();
        Assert.Contains("R", l["sub/b"]);
        Assert.Contains("S", l["a"]);
        Assert.Contains("R", l["a"]);
        AssertKinds(l, "sub/deeper/c", "S", r);
        Assert.False(l.ContainsKey("b"), r.ToString());
        Assert.False(l.ContainsKey("deeper/c"), r.ToString());
    }

    [Fact]
    public void Children_with_a_cleaned_environment_stay_tracked()
    {
        using var repo = new TempRepo();
        repo.Write("secret", "s");
        var r = repo.Lautodep("env", "-i", "/bin/cat", "secret");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("R", r.Listing()["secret"]);
    }

    [Fact]
    public void The_command_exit_code_and_output_come_through()
    {
        using var repo = new TempRepo();
        var r = repo.Lautodep("bash", "-c", "echo out; echo err >&2; exit 3");
        Assert.Equal(3, r.ExitCode);
        Assert.StartsWith("out\n", r.Stdout);
        Assert.Equal("err\n", r.Stderr);
    }

    [Fact]
    public void Json_lists_the_same_accesses()
    {
        using var repo = new TempRepo();
        repo.Write("a", "a");
        var r = repo.Lautodep("--json", "bash", "-c", "cat a missing > b 2>/dev/null; exit 0");
        Assert.True(r.ExitCode == 0, r.ToString());
        using var doc = System.Text.Json.JsonDocument.Parse(r.Stdout);
        Assert.Equal(0, doc.RootElement.GetProperty("exit_code").GetInt32());
        var byName = doc.RootElement.GetProperty("accesses").EnumerateArray().ToDictionary(e => e.GetProperty("name").GetString()!);
        Assert.Equal(["read"], byName["a"].GetProperty("kinds").EnumerateArray().Select(k => k.GetString()));
        Assert.True(byName["a"].GetProperty("existed").GetBoolean());
        Assert.False(byName["missing"].GetProperty("existed").GetBoolean());
        Assert.Equal(["write"], byName["b"].GetProperty("kinds").EnumerateArray().Select(k => k.GetString()));
    }

    [Fact]
    public void Method_none_runs_without_tracking()
    {
        using var repo = new TempRepo();
        repo.Write("a", "a");
        var r = repo.Lautodep("-m", "none", "cat", "a");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal("a\n", r.Stdout);  // the command's output (the listing would start on a new line), and no listing
    }

    [Theory]
    [InlineData(new[] { "-m", "strace", "true" }, "unknown method")]
    [InlineData(new[] { "--frobnicate", "true" }, "unknown option '--frobnicate'")]
    [InlineData(new string[0], "no command given")]
    [InlineData(new[] { "-s" }, "option -s needs a value")]
    public void Usage_errors_exit_11_with_one_clear_message(string[] args, string message)
    {
        using var repo = new TempRepo();
        var r = repo.Lautodep(args);
        Assert.Equal(11, r.ExitCode);
        Assert.Contains(message, r.Stderr);
        Assert.DoesNotContain("   at ", r.Stderr);  // no stack trace
    }

    [Fact]
    public void A_command_that_does_not_exist_exits_127()
    {
        using var repo = new TempRepo();
        var r = repo.Lautodep("no-such-command-anywhere");
        Assert.Equal(127, r.ExitCode);
        Assert.Contains("no-such-command-anywhere: command not found", r.Stderr);
    }

    [Fact]
    public void Help_documents_the_letters()
    {
        using var repo = new TempRepo();
        var r = repo.Lautodep("-h");
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("R read", r.Stdout);
        Assert.Contains("W written", r.Stdout);
    }

    // cargo opens its lock and fingerprint files this way: what the call created held nothing to read, and was not
    // there before the job (else lmake takes it for a target found in the way and runs the job again)
    [Theory]
    [InlineData("ld_preload")]
    [InlineData("ptrace")]
    public void A_read_write_open_that_creates_the_file_is_a_write_only(string method)
    {
        using var repo = new TempRepo();
        repo.Write("old", "there\n");
        var r = repo.Lautodep("-m", method, "python3", "-c",
            "import os\nfor f in ('new', 'old'): os.close(os.open(f, os.O_RDWR | os.O_CREAT, 0o644))\nopen('log', 'a+').close()");
        Assert.True(r.ExitCode == 0, r.ToString());
        var l = r.Listing();
        AssertKinds(l, "new", "W", r);
        AssertKinds(l, "log", "W", r);
        AssertKinds(l, "old", "RW", r);   // there before: what it held may have been read
    }
}
