// The three forms of an admin answer (Admin/ShowForms) and the admin command lines (AdminCommandLines).
using System.Diagnostics;
using System.Text.Json.Nodes;
using Lmake.Common.Commands;
using Lmake.Server.Admin;

namespace Lmake.Server.Tests;

public class AdminFormsTests
{
    private static ShowDict Sample() => new()
    {
        { "quote's \"and\" back\\slash", new ShowText("line 1\n\ttabbed\r\x01\u00e9\U0001F600\n") },
        { "numbers", new ShowDict { { "int", 3 }, { "long", 1L << 40 }, { "double", 0.125 }, { "bool", true }, { "none", null } } },
        { "rows", new ShowTable { new() { { "flags", "S-" }, { "name", "a b" } }, new() { { "flags", "--" }, { "name", "c" } } } },
        { "list", new List<object?> { "x", "y" } },
        { "empty", new ShowDict() },
    };

    [Fact]
    public void ThePythonLiteralIsReadByPythonAsTheSameDataAsTheJson()
    {
        var psi = new ProcessStartInfo("python3", ["-c", "import ast, json, sys; print(json.dumps(ast.literal_eval(sys.stdin.read())))"])
            { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        psi.StandardInputEncoding = new System.Text.UTF8Encoding(false);
        using Process p = Process.Start(psi)!;
        p.StandardInput.Write(ShowForms.Python(Sample()));
        p.StandardInput.Close();
        string fromPython = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        Assert.Equal(0, p.ExitCode);
        JsonNode json = JsonNode.Parse(ShowForms.Json(Sample()))!;
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(fromPython), json), $"{fromPython}\n{json.ToJsonString()}");
        Assert.Equal("line 1\n\ttabbed\r\x01\u00e9\U0001F600\n", (string?)json["quote's \"and\" back\\slash"]);
    }

    [Fact]
    public void ThePlainFormAlignsKeysAndColumns()
    {
        var d = new ShowDict { { "a", "1" }, { "long_key", 2.5 }, { "rows", new ShowTable { new() { { "f", "S" }, { "n", "x" } }, new() { { "f", "SE" }, { "n", "y" } } } } };
        Assert.Equal(["a        : 1", "long_key : 2.500", "rows     :", "  S  x", "  SE y"], ShowForms.Plain(d));
    }

    [Theory]
    [InlineData("lshow", new[] { "-i", "x" }, 'i')]
    [InlineData("lshow", new[] { "-E", "-J", "x", "-R", "R" }, 'E')]
    [InlineData("lshow", new[] { "-r" }, 'r')]
    public void LshowTakesExactlyOneLetter(string command, string[] args, char what)
    {
        AdminOptions o = AdminCommandLines.Parse(command, args);
        Assert.Equal(what, o.What);
        Assert.Throws<UsageException>(() => AdminCommandLines.Parse("lshow", ["-i", "-d", "x"]));
        Assert.Throws<UsageException>(() => AdminCommandLines.Parse("lshow", ["x"]));
        Assert.Throws<UsageException>(() => AdminCommandLines.Parse("lshow", ["-i"]));
        Assert.Throws<UsageException>(() => AdminCommandLines.Parse("lshow", ["-i", "-z", "x"]));
    }

    [Fact]
    public void LmarkLforgetLdebugLcollectOptions()
    {
        AdminOptions m = AdminCommandLines.Parse("lmark", ["-a", "-t", "f"]);
        Assert.Equal(('a', 't'), (m.MarkAction, m.MarkKind));
        Assert.Throws<UsageException>(() => AdminCommandLines.Parse("lmark", ["-a", "-d", "-f", "f"]));
        Assert.Throws<UsageException>(() => AdminCommandLines.Parse("lmark", ["-a", "-t", "-J", "f"]));
        AdminOptions f = AdminCommandLines.Parse("lforget", ["-d", "-r", "f"]);
        Assert.True(f.ForgetDeps && f.ForgetResources && !f.ForgetTargets);
        AdminOptions d = AdminCommandLines.Parse("ldebug", ["-n", "-k", "shell", "t"]);
        Assert.True(d.DryRun);
        Assert.Equal("shell", d.DebugKey);
        Assert.Throws<UsageException>(() => AdminCommandLines.Parse("ldebug", ["a", "b"]));
        Assert.Equal(["."], AdminCommandLines.Parse("lcollect", []).Names);
    }

    /// <summary>What python3 makes of a Python literal, printed back by repr (tuples, sets, tuple keys kept).</summary>
    private static string PythonRepr(string literal, string expression)
    {
        var psi = new ProcessStartInfo("python3", ["-c", $"import ast, sys; x = ast.literal_eval(sys.stdin.read()); print(repr({expression}))"])
            { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        using Process p = Process.Start(psi)!;
        p.StandardInput.Write(literal);
        p.StandardInput.Close();
        string output = p.StandardOutput.ReadToEnd();
        string error = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"not a Python literal:\n{literal}\n{error}");
        return output.TrimEnd('\n');
    }

    [Fact]
    public void TuplesSetsAndTupleKeysAreThePythonTypesLshowPromises()
    {
        // lshow -d -p: {file: {(rule, job, comment): (group of parallel deps, ...)}}
        var deps = new ShowTuple(new ShowSet { new ShowTuple("----S", "-R--", "SRC", "a.c") }, new ShowSet { new ShowTuple("-----", "L---", "", "/etc/x") });
        var answer = new ShowDict { { "a.o", new ShowMap { { new ShowTuple("Compile", "a.o", "generating"), deps } } } };
        Assert.Equal("{'a.o': {('Compile', 'a.o', 'generating'): ({('----S', '-R--', 'SRC', 'a.c')}, {('-----', 'L---', '', '/etc/x')})}}",
            PythonRepr(ShowForms.Python(answer), "x"));
        // empty ones: () for no deps, set() for an empty set, and a 1-tuple keeps its comma
        Assert.Equal("((), set(), ('x',))", PythonRepr(ShowForms.Python(new ShowTuple(new ShowTuple(), new ShowSet(), new ShowTuple("x"))), "x"));
        // JSON has no tuple keys: a map is a list of [key, value] pairs
        JsonNode json = JsonNode.Parse(ShowForms.Json(answer))!;
        Assert.Equal("generating", (string?)json["a.o"]![0]![0]![2]);
        Assert.Equal("a.c", (string?)json["a.o"]![0]![1]![0]![0]![3]);
    }

    [Theory]
    [InlineData("--info", 'i')]
    [InlineData("--deps", 'd')]
    [InlineData("--targets", 't')]
    [InlineData("--cmd", 'c')]
    [InlineData("--env", 'E')]
    [InlineData("--stdout", 'o')]
    [InlineData("--stderr", 'e')]
    [InlineData("--inv-deps", 'D')]
    [InlineData("--inv-targets", 'T')]
    [InlineData("--bom", 'b')]
    [InlineData("--running", 'r')]
    [InlineData("--trace", 'u')]
    public void EveryLshowSubCommandHasTheLongFormOfTheManPage(string longForm, char what) =>
        Assert.Equal(what, AdminCommandLines.Parse("lshow", [longForm, "x"]).What);

    [Fact]
    public void QuietVerboseAndPorcelaineCombineWithASubCommand()
    {
        AdminOptions dv = AdminCommandLines.Parse("lshow", ["-dv", "x"]);
        Assert.True(dv.What == 'd' && dv.Verbose && !dv.Quiet);
        AdminOptions ip = AdminCommandLines.Parse("lshow", ["-ip", "x"]);
        Assert.True(ip.What == 'i' && ip.Form == OutputForm.Porcelaine);
        Assert.True(AdminCommandLines.Parse("lshow", ["--quiet", "--porcelaine", "-t", "x"]).Quiet);
        Assert.Throws<UsageException>(() => AdminCommandLines.Parse("lshow", ["-q", "-v", "-d", "x"]));
        Assert.True(AdminCommandLines.Parse("lforget", ["-v", "x"]).Verbose);
    }

    [Theory]
    [InlineData(new[] { "t" }, "cmd")]
    [InlineData(new[] { "-kn", "t" }, "cmd")]
    [InlineData(new[] { "-k", "", "t" }, "cmd")]
    [InlineData(new[] { "--key=g", "t" }, "cmd")]
    [InlineData(new[] { "-k", "e", "t" }, "shell")]
    public void LdebugTakesTheKeysOfItsManPage(string[] args, string key) =>
        Assert.Equal(key, AdminCommandLines.Parse("ldebug", args).DebugKey);

    [Fact]
    public void LdebugNoExecStdTmpAndTmpDir()
    {
        AdminOptions o = AdminCommandLines.Parse("ldebug", ["--no-exec", "--std-tmp", "t"]);
        Assert.True(o.DryRun && o.KeepTmp && o.DebugTmpDir == null);
        Assert.Equal("/x/tmp", AdminCommandLines.Parse("ldebug", ["-T", "/x/tmp", "t"]).DebugTmpDir);
        Assert.Throws<UsageException>(() => AdminCommandLines.Parse("ldebug", ["-T", "rel", "t"]));
        Assert.Throws<UsageException>(() => AdminCommandLines.Parse("ldebug", ["-k", "zz", "t"]));
    }
}
