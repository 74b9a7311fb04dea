// lshow (spec C) on a built hello repo: every letter, in plain, porcelain (parsed by python3) and JSON forms.
using System.Text.Json.Nodes;

namespace Lmake.EndToEnd.Tests;

public sealed class AdminShowTests : IDisposable
{
    private readonly AdminRepo _r = new();

    public AdminShowTests() => _r.Build();

    public void Dispose() => _r.Dispose();

    private static string[] Lines(string text) => text.TrimEnd('\n').Split('\n');

    [Fact]
    public void InfoTellsRuleJobReasonTimesStatusAndResources()
    {
        string plain = _r.Out("lshow", "-i", "hello.o");
        Assert.Contains(Lines(plain), l => l.StartsWith("rule ", StringComparison.Ordinal) && l.EndsWith(": Compile", StringComparison.Ordinal));
        Assert.Contains(Lines(plain), l => l.StartsWith("status ", StringComparison.Ordinal) && l.EndsWith(": ok", StringComparison.Ordinal));
        Assert.Contains(Lines(plain), l => l.StartsWith("reason ", StringComparison.Ordinal) && l.EndsWith(": never ran", StringComparison.Ordinal));

        // the keys of lshow(1)
        JsonNode info = _r.ShowParsed("-i", "hello.o")["hello.o"]!;
        Assert.Equal("Compile", (string?)info["rule"]);
        Assert.Equal("hello.o", (string?)info["job"]);
        Assert.Equal("ok", (string?)info["status"]);
        Assert.Equal("ok", (string?)info["run status"]);
        Assert.Equal("ok", (string?)info["rc"]);
        Assert.Equal("never ran", (string?)info["reason"]);
        Assert.True((double)info["elapsed in job"]! > 0);
        Assert.True((double)info["cpu time"]! >= 0);
        Assert.True((long)info["used mem"]! > 0);
        Assert.True((long)info["total targets size"]! > 0);
        Assert.Equal("1", (string?)info["resources"]!["cpu"]);
        Assert.Equal("local", (string?)info["backend"]);
        Assert.Equal("ld_preload", (string?)info["autodep"]);
        Assert.False(string.IsNullOrEmpty((string?)info["host"]));
        Assert.Contains("LMAKE/tmp/", (string?)info["tmp dir"]);
        Assert.True(DateTime.Parse((string)info["end date"]!) >= DateTime.Parse((string)info["start date"]!));
        Assert.Null(info["auto_mkdir"]);   // false tells nothing: left out

        // -J names the job by its name, -R picks the rule: the job's info alone, not keyed by the name
        JsonNode byJob = _r.ShowParsed("-i", "-J", "hello.exe", "-R", "Link");
        Assert.Equal("Link", (string?)byJob["rule"]);
        // the long forms are the short ones
        Assert.Equal(_r.Out("lshow", "-i", "hello.o").Split('\n')[0], _r.Out("lshow", "--info", "hello.o").Split('\n')[0]);
    }

    [Fact]
    public void KeptTmpDirIsWhereInfoSaysAndHoldsWhatTheJobLeftThere()
    {
        using var r = new AdminRepo("""
            from lmake.rules import Rule
            class Tmp(Rule):
                target = 'dut'
                cmd    = 'echo kept > $TMPDIR/file'
            """);
        LmakeOutput o = r.Lmake("-t", "dut");
        Assert.True(o.Result.ExitCode == 0, o.ToString());
        string tmp = r.PythonOf("x['dut']['tmp dir']", "-i", "dut").Trim('\'');
        Assert.Equal("kept\n", File.ReadAllText(Path.Combine(tmp, "file")));
    }

    [Fact]
    public void DepsShowStaticAndDiscoveredWithFlagsAndTargetsTheirs()
    {
        // flags (S: static), accesses (R: read), the static dep's key, its name; absent deps only with -v
        string[] plain = Lines(_r.Out("lshow", "-d", "hello.o"));
        Assert.Matches(@"^\S{4}S [L-]R[T-]- SRC hello\.c$", plain[0]);
        Assert.Contains(plain, l => l.StartsWith("----- -R--", StringComparison.Ordinal) && l.EndsWith(" inc2/hello.h", StringComparison.Ordinal));
        Assert.DoesNotContain(plain, l => l.EndsWith(" hello.h", StringComparison.Ordinal) && !l.EndsWith("/hello.h", StringComparison.Ordinal));
        Assert.Contains(Lines(_r.Out("lshow", "-dv", "hello.o")), l => l.EndsWith(" hello.h", StringComparison.Ordinal) && l.Contains(" none "));   // probed, absent
        Assert.Equal("hello.c", Lines(_r.Out("lshow", "-dq", "hello.o"))[0]);   // -q: names only
        // -p: {file: {(rule, job, 'generating'): (groups of parallel deps, each dep (flags, accesses, key, name))}}
        Assert.Equal("[('Compile', 'hello.o', 'generating')]", _r.PythonOf("list(x['hello.o'])", "-d", "hello.o"));
        Assert.Equal("{('E--rS', 'LRT-', 'SRC', 'hello.c')}", _r.PythonOf("x['hello.o'][('Compile','hello.o','generating')][0]", "-d", "hello.o"));   // a static dep: essential, required
        Assert.Equal("True", _r.PythonOf("all(type(g) is set for g in x['hello.o'][('Compile','hello.o','generating')])", "-d", "hello.o"));

        JsonArray targets = _r.ShowParsed("-t", "hello.o")["hello.o"]!.AsArray();
        Assert.Single(targets);
        Assert.Equal("S---W", (string?)targets[0]!["flags"]);
        Assert.Matches("^[0-9a-f]{16}-R$", (string?)targets[0]!["checksum"]);
    }

    [Fact]
    public void ScriptEnvironmentStdoutAndStderr()
    {
        Assert.Equal("gcc -o hello.exe hello.o\n", _r.Out("lshow", "-c", "hello.exe"));
        Assert.Equal("gcc -o hello.exe hello.o\n", (string?)_r.ShowParsed("-c", "hello.exe")["hello.exe"]);

        JsonNode env = _r.ShowParsed("-E", "hello.o")["hello.o"]!;
        Assert.Equal(_r.Repo.Path, (string?)env["HOME"]);
        Assert.StartsWith(Path.Combine(Installed.Root, "bin"), (string?)env["PATH"]);
        Assert.NotNull(env["TMPDIR"]);
        Assert.Contains(Lines(_r.Out("lshow", "-E", "hello.o")), l => l.StartsWith("HOME ", StringComparison.Ordinal));

        LmakeOutput talk = _r.Lmake("x.talk");
        Assert.True(talk.Result.ExitCode == 0, talk.ToString());
        Assert.Equal("out-x\n", _r.Out("lshow", "-o", "x.talk"));
        Assert.Equal("err-x\n", _r.Out("lshow", "-e", "x.talk"));
        Assert.Equal("out-x\n", (string?)_r.ShowParsed("-o", "x.talk")["x.talk"]);
        Assert.Equal("err-x\n", (string?)_r.ShowParsed("-e", "x.talk")["x.talk"]);
    }

    [Fact]
    public void DependentsCandidatesSourcesAndTrace()
    {
        JsonArray dependents = _r.ShowParsed("-D", "inc2/hello.h")["inc2/hello.h"]!.AsArray();
        Assert.Contains(dependents, d => (string?)d!["rule"] == "Compile" && (string?)d["job"] == "hello.o");
        Assert.Contains("Compile", _r.Out("lshow", "-D", "hello.c"));

        JsonArray candidates = _r.ShowParsed("-T", "hello.o")["hello.o"]!.AsArray();
        Assert.Contains(candidates, c => (string?)c!["rule"] == "Compile" && (string?)c["chosen"] == "*");

        JsonArray sources = _r.ShowParsed("-b", "hello.out")["hello.out"]!.AsArray();
        Assert.Equal(["hello.c", "inc2/hello.h"], sources.Select(s => (string)s!).ToArray());
        Assert.Equal("hello.c\ninc2/hello.h\n", _r.Out("lshow", "-b", "hello.out"));

        JsonArray trace = _r.ShowParsed("-u", "hello.o")["hello.o"]!.AsArray();
        Assert.Contains(trace, t => (string?)t!["status"] == "done" && (string?)t["rule"] == "Compile");
    }

    [Fact]
    public void SeveralFilesAreKeyedByNameAndNamesAreRelativeToTheCwd()
    {
        JsonNode both = _r.ShowParsed("-c", "hello.o", "hello.exe");
        Assert.Equal(["hello.o", "hello.exe"], both.AsObject().Select(kv => kv.Key).ToArray());
        CommandResult fromSub = _r.RunIn("inc2", "lshow", "--json", "-D", "hello.h");
        Assert.True(fromSub.ExitCode == 0, fromSub.ToString());
        Assert.NotNull(JsonNode.Parse(fromSub.Stdout)!["inc2/hello.h"]);
        string plain = _r.Out("lshow", "-c", "hello.o", "hello.exe");
        Assert.Matches(@"(?m)^hello\.o +:\n  gcc -c", plain);
    }

    [Fact]
    public void AStarJobIsNamedAsItsStatusLineNamesIt()
    {
        using var star = new AdminRepo(AdminRepo.Lmakefile + "\nclass Split(Rule):\n    targets = {'P': r'{F:.*}.part{N*:\\d}'}\n    deps = {'S': '{F}'}\n    cmd = 'for i in 1 2; do echo $i > {F}.part$i; done'\n");
        LmakeOutput o = star.Lmake("hello.c.part1");
        Assert.True(o.Result.ExitCode == 0, o.ToString());
        Assert.Contains(o.Jobs, s => s.Rule == "Split" && s.Name == "hello.c.part{N*}");
        star.WaitForNoServer();   // a fresh server knows the job from the store only
        JsonArray targets = star.ShowParsed("-t", "-J", "hello.c.part{N*}").AsArray();
        Assert.Equal(["hello.c.part1", "hello.c.part2"], targets.Select(t => (string)t!["name"]!).Order().ToArray());
        Assert.Equal("Split", (string?)star.ShowParsed("-i", "-J", "hello.c.part{N*}", "-R", "Split")["rule"]);
    }

    [Fact]
    public void ASourceHasNoJobAndBadOptionsAreUsageErrors()
    {
        CommandResult source = _r.Run("lshow", "-i", "hello.c");
        Assert.Equal(1, source.ExitCode);
        Assert.Contains("hello.c: is a source", source.Stderr);

        CommandResult none = _r.Run("lshow", "hello.o");
        Assert.Equal(11, none.ExitCode);
        Assert.Contains("exactly one of", none.Stderr);
        CommandResult two = _r.Run("lshow", "-i", "-d", "hello.o");
        Assert.Equal(11, two.ExitCode);
        CommandResult both = _r.Run("lshow", "-i", "-p", "--json", "hello.o");
        Assert.Equal(11, both.ExitCode);
        CommandResult outside = _r.Run("lshow", "-i", "/etc/passwd");
        Assert.Equal(11, outside.ExitCode);
        Assert.Contains("outside the repo", outside.Stderr);
        Assert.DoesNotContain("   at ", outside.Stderr);   // no stack trace
    }

    [Fact]
    public void HelpListsEveryOptionAndTheFlagLegend()
    {
        string help = _r.Out("lshow", "-h");
        foreach (string o in new[] { "-i", "-d", "-t", "-c", "-E", "-o", "-e", "-D", "-T", "-b", "-r", "-u", "-J", "-R", "-p", "--porcelaine", "--json",
                     "--info", "--deps", "--targets", "--cmd", "--env", "--stdout", "--stderr", "--inv-deps", "--inv-targets", "--bom", "--running", "--trace",
                     "-q", "--quiet", "-v", "--verbose" })
            Assert.Contains(o, help);
        Assert.Contains("S static dep", help);
        Assert.Contains("I incremental", help);
        Assert.Contains("T existence tested", help);
        foreach (var (cmd, opts) in new[] { ("lforget", "-d -t -r -J"), ("lmark", "-a -d -l -c -f -t -J"), ("ldebug", "-n -t -k -J"), ("lcollect", "-n"), ("lmake_repair", "") })
        {
            string h = _r.Out(cmd, "-h");
            foreach (string o in opts.Split(' ', StringSplitOptions.RemoveEmptyEntries)) Assert.Contains(o, h);
            Assert.Contains("exit codes:", h);
        }
    }
}
