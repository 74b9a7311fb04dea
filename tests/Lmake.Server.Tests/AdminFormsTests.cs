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
}
