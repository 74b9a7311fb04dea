// Every example of examples/ run as its README tells a user to: copied to a fresh git repo, its commands run
// against the install, their exit codes, status lines and files checked. Each test also checks that the
// README still shows the commands it runs, so that the two cannot drift apart.
namespace Lmake.EndToEnd.Tests;

public sealed class ExamplesTests : IDisposable
{
    private readonly TempRepo _repo = new();
    private string _readme = "";

    public void Dispose()
    {
        _repo.KillServer();
        _repo.Dispose();
    }

    // the make of `make test` exports these; the example's own make must not take them
    private static readonly Dictionary<string, string?> NoParentMake = new() { ["MAKEFLAGS"] = null, ["MFLAGS"] = null, ["MAKELEVEL"] = null };

    /// <summary>cp -r examples/NAME, git init, git add -A: the first commands of every README.</summary>
    private void CopyExample(string name)
    {
        string from = Path.Combine(AppContext.BaseDirectory, "examples", name);
        Assert.True(Directory.Exists(from), $"{from}: the examples are copied next to the tests by the csproj");
        foreach (string file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            string to = _repo[Path.GetRelativePath(from, file)];
            Directory.CreateDirectory(Path.GetDirectoryName(to)!);
            File.Copy(file, to);
            if (file.EndsWith(".sh", StringComparison.Ordinal)) File.SetUnixFileMode(to, File.GetUnixFileMode(to) | UnixFileMode.UserExecute);
        }
        _readme = File.ReadAllText(Path.Combine(from, "README.md"));
        Assert.Contains($"cp -r examples/{name} /tmp/{name} && cd /tmp/{name}", _readme);
        Assert.Contains("git init -q && git add -A", _readme);
        _repo.Git("add", "-A");
    }

    /// <summary>Runs a command line of the README (checked to be there) in the repo.</summary>
    private CommandResult Sh(string commandLine)
    {
        Assert.True(_readme.Contains(commandLine, StringComparison.Ordinal), $"the README does not show `{commandLine}`");
        return Installed.Shell(commandLine, _repo.Path, NoParentMake);
    }

    private LmakeOutput Lmake(string commandLine)
    {
        LmakeOutput r = new(Sh(commandLine));
        return r;
    }

    private static void NoOp(LmakeOutput r)
    {
        Assert.True(r.Result.ExitCode == 0, r.ToString());
        Assert.True(r.Statuses.Count == 0, r.ToString());
        Assert.Contains(r.Summary, l => l.StartsWith("was already up-to-date : ", StringComparison.Ordinal));
    }

    [Fact]
    public void Hello()
    {
        CopyExample("hello");
        LmakeOutput first = Lmake("lmake hello.out && cat hello.out");
        Assert.True(first.Result.ExitCode == 0, first.ToString());
        Assert.Equal(["Compile", "Compile", "Link", "Run"], first.Jobs.Select(s => s.Rule).Order());
        Assert.Equal("hello, world\n", _repo.Read("hello.out"));
        NoOp(Lmake("lmake hello.out"));
        Assert.Equal(0, Sh("echo '// a comment' >> greeting.h").ExitCode);
        LmakeOutput comment = Lmake("lmake hello.out");
        Assert.True(comment.Result.ExitCode == 0, comment.ToString());
        Assert.Equal([("steady", "Compile"), ("steady", "Compile")], comment.Jobs.Select(s => (s.Word, s.Rule)));
    }

    [Fact]
    public void CLibraryWithTests()
    {
        CopyExample("c_library");
        LmakeOutput first = Lmake("lmake src/calc.exe check");
        Assert.True(first.Result.ExitCode == 0, first.ToString());
        Assert.Equal(12, first.Jobs.Count(s => s.Word == "done"));
        Assert.Contains(first.Jobs, s => s.Rule == "Archive" && s.Name == "lib/libmathx.a");
        Assert.Equal("test_add: ok\ntest_mul: ok\n", _repo.Read("check"));
        CommandResult calc = Sh("./src/calc.exe 6 7");
        Assert.Equal("6 + 7 = 13\n6 * 7 = 42\n", calc.Stdout);
        NoOp(Lmake("lmake src/calc.exe check"));

        // a comment in the header: every object is steady, nothing after them runs
        _repo.Write("lib/mathx.h", _repo.Read("lib/mathx.h") + "// a comment\n");
        LmakeOutput comment = Lmake("lmake src/calc.exe check");
        Assert.True(comment.Result.ExitCode == 0, comment.ToString());
        Assert.Equal(["Compile"], comment.Jobs.Select(s => s.Rule).Distinct());
        Assert.Equal(["steady"], comment.Jobs.Select(s => s.Word).Distinct());

        // the bug the README suggests: the test fails, the build says so and exits 1
        Assert.Contains("return `a - b`", _readme);
        _repo.Write("lib/add.c", _repo.Read("lib/add.c").Replace("a + b", "a - b"));
        LmakeOutput broken = new(_repo.Run("lmake", "check"));
        Assert.Equal(1, broken.Result.ExitCode);
        Assert.Contains(broken.Jobs, s => s.Word == "failed" && s.Rule == "RunTest" && s.Name == "tests/test_add.ok");
        Assert.DoesNotContain(broken.Jobs, s => s.Name == "tests/test_mul.ok");     // its inputs did not change
        Assert.Equal("test_add: 2+3 gave -1\n", Sh("cat tests/test_add.ok").Stdout);
        Assert.Contains("rc                 : exit 1", Sh("lshow -i tests/test_add.ok").Stdout);
    }

    [Fact]
    public void CodeGenerator()
    {
        CopyExample("codegen");
        LmakeOutput first = Lmake("lmake calc.out && cat calc.out");
        Assert.True(first.Result.ExitCode == 0, first.ToString());
        Assert.Contains(first.Jobs, s => (s.Word, s.Rule, s.Name) == ("done", "Generate", "ops.h"));
        Assert.Equal("add(7, 3) = 10\nsub(7, 3) = 4\nmul(7, 3) = 21\n", _repo.Read("calc.out"));

        Assert.Equal(0, Sh("echo 'mod     a % b' >> ops.def").ExitCode);
        LmakeOutput added = Lmake("lmake calc.out && cat calc.out");
        Assert.True(added.Result.ExitCode == 0, added.ToString());
        Assert.Equal(["Compile", "Compile", "Generate", "Link", "Run"], added.Jobs.Where(s => s.Word == "done").Select(s => s.Rule).Order());
        Assert.EndsWith("mod(7, 3) = 1\n", _repo.Read("calc.out"));
        NoOp(Lmake("lmake calc.out"));

        // a comment in the table: the generator reruns, writes the same files, nothing else runs
        _repo.Write("ops.def", _repo.Read("ops.def") + "# a comment\n");
        LmakeOutput comment = new(_repo.Run("lmake", "calc.out"));
        Assert.True(comment.Result.ExitCode == 0, comment.ToString());
        Assert.Equal([("steady", "Generate")], comment.Jobs.Select(s => (s.Word, s.Rule)));
    }

    [Fact]
    public void PythonDataStep()
    {
        CopyExample("python_data");
        LmakeOutput first = Lmake("lmake report.txt && cat report.txt");
        Assert.True(first.Result.ExitCode == 0, first.ToString());
        Assert.Equal(["Clean", "Clean", "Report"], first.Jobs.Select(s => s.Rule).Order());
        Assert.Equal("north: 3 days, mean 13.3, max 14.0\nsouth: 3 days, mean 22.0, max 23.0\n", _repo.Read("report.txt"));
        Assert.Contains("\tdata/north.csv: 1 bad rows dropped", first.Other);     // stderr under its status line

        Assert.Equal(0, Sh("printf 'fri,16.0\\n' >> data/north.csv").ExitCode);
        LmakeOutput again = Lmake("lmake report.txt");
        Assert.True(again.Result.ExitCode == 0, again.ToString());
        Assert.Equal([("Clean", "clean/north.csv"), ("Report", "report.txt")], again.Jobs.Select(s => (s.Rule, s.Name)));
        Assert.StartsWith("north: 4 days, mean 14.0, max 16.0\n", _repo.Read("report.txt"));
        Assert.Equal("data/south.csv: 1 bad rows dropped\n", Sh("lshow -e clean/south.csv").Stdout);
    }

    [Fact]
    public void MakefileThatCallsLmake()
    {
        CopyExample("makefile_embed");
        CommandResult first = Sh("make");
        Assert.True(first.ExitCode == 0, first.ToString());
        LmakeOutput lmakePart = new(first);
        Assert.Equal([("done", "Compile"), ("done", "Link")], lmakePart.Jobs.Select(s => (s.Word, s.Rule)));
        Assert.Contains("packed tool-1.0.tar.gz", first.Stdout);
        CommandResult list = Installed.Run("tar", ["-tzf", "tool-1.0.tar.gz"], _repo.Path);
        Assert.Equal("tool\nNOTES.txt\n", list.Stdout);
        Assert.Equal("tool 1.0\n", Installed.Run(_repo["tool"], [], _repo.Path).Stdout);
        DateTime packed = File.GetLastWriteTimeUtc(_repo["tool-1.0.tar.gz"]);

        CommandResult second = Sh("make");
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Contains("was already up-to-date : tool", second.Stdout);
        Assert.DoesNotContain("packed", second.Stdout);

        Assert.Equal(0, Sh("echo '// a comment' >> version.h").ExitCode);
        CommandResult third = Sh("make");
        Assert.True(third.ExitCode == 0, third.ToString());
        Assert.Equal([("steady", "Compile")], new LmakeOutput(third).Jobs.Select(s => (s.Word, s.Rule)));
        Assert.DoesNotContain("packed", third.Stdout);
        Assert.Equal(packed, File.GetLastWriteTimeUtc(_repo["tool-1.0.tar.gz"]));
    }

    [Fact]
    public void CiScriptThatChecksANoOp()
    {
        CopyExample("ci_noop");
        CommandResult ok = Sh("./ci_noop_check.sh all");
        Assert.True(ok.ExitCode == 0, ok.ToString());
        Assert.EndsWith("ci: no-op check passed\n", ok.Stdout);
        Assert.Equal("hello, world\nHELLO, WORLD\n", _repo.Read("all"));

        // a regression: a rule that always runs makes the check fail, with the status line of the culprit
        Assert.Contains("force = True", _readme);
        _repo.Write("Lmakefile.py", _repo.Read("Lmakefile.py") + """

            class Stamp(Rule):
                target = 'stamp'
                force  = True
                cmd    = 'echo built'

            class AllAndStamp(Rule):
                target = 'all_and_stamp'
                deps   = {'A': 'all', 'S': 'stamp'}
                cmd    = 'cat {A} {S}'
            """);
        CommandResult bad = Installed.Run(_repo["ci_noop_check.sh"], ["all_and_stamp"], _repo.Path);
        Assert.True(bad.ExitCode == 1, bad.ToString());
        Assert.Contains("ci: the second build was not a no-op:", bad.Stdout);
        Assert.Contains(new LmakeOutput(bad).Statuses, s => s.Rule == "Stamp" && s.Name == "stamp");

    }
}
