// A hello repo (spec A2's example, plus a job that prints on stdout and stderr) for the admin command tests,
// driven with the installed commands; the server exits as soon as its client leaves, so that a test can
// see a repo with no server (read-only, lmake_repair). Porcelain output is parsed back with python3.
using System.Text.Json.Nodes;

namespace Lmake.EndToEnd.Tests;

public sealed class AdminRepo : IDisposable
{
    public const string Lmakefile = LmakeRepo.HelloLmakefile + "\n\n" + """
        class Talk(Rule):
            targets   = {'T': r'{File:.*}.talk'}
            stderr_ok = True
            cmd       = 'echo out-{File}; echo err-{File} >&2; echo said > {T}'
        """;

    public AdminRepo(string lmakefile = Lmakefile)
    {
        Repo.Add("Lmakefile.py", lmakefile);
        Repo.Add("hello.c", "#include \"hello.h\"\n#include <stdio.h>\nint main() { printf(\"%s\\n\", GREETING); return 0; }\n");
        Repo.Add("inc2/hello.h", "// the greeting\n#define GREETING \"hello\"\n");
    }

    public TempRepo Repo { get; } = new();

    private static readonly Dictionary<string, string?> QuickServer = new() { ["LMAKE_SERVER_IDLE_MS"] = "0" };

    /// <summary>Runs an installed command of bin/ in the repo (or <paramref name="cwd"/> below it).</summary>
    public CommandResult Run(string command, params string[] args) =>
        Installed.Run(Installed.Bin(command), args, Repo.Path, QuickServer);

    public CommandResult RunIn(string cwd, string command, params string[] args) =>
        Installed.Run(Installed.Bin(command), args, Repo[cwd], QuickServer);

    public LmakeOutput Lmake(params string[] args) => new(Run("lmake", args));

    /// <summary>Builds hello.out and checks it worked.</summary>
    public void Build()
    {
        LmakeOutput o = Lmake("hello.out");
        Assert.True(o.Result.ExitCode == 0, o.ToString());
    }

    /// <summary>Waits until no server runs for the repo (LMAKE/server gone and its lock free).</summary>
    public void WaitForNoServer()
    {
        var deadline = DateTime.Now + TimeSpan.FromSeconds(20);
        while (File.Exists(Repo["LMAKE/server"]) || LockHeld())
        {
            if (DateTime.Now > deadline) throw new TimeoutException("the server did not exit");
            Thread.Sleep(50);
        }
    }

    // the store's own lock too: an exiting server's last threads still hold its files for a moment
    private bool LockHeld() => Held("LMAKE/server.lock") || Held("LMAKE/store/nodes");

    private bool Held(string file) =>
        File.Exists(Repo[file]) && Installed.Shell($"flock -n '{Repo[file]}' true").ExitCode != 0;

    /// <summary>A successful command's stdout.</summary>
    public string Out(string command, params string[] args)
    {
        CommandResult r = Run(command, args);
        Assert.True(r.ExitCode == 0, $"{command} {string.Join(' ', args)}: {r}");
        return r.Stdout;
    }

    /// <summary>The porcelain (-p) and JSON (--json) forms of an lshow query: both parsed, and equal.</summary>
    public JsonNode ShowParsed(params string[] args)
    {
        string porcelain = Out("lshow", ["-p", .. args]);
        CommandResult viaPython = Installed.Run("python3",
            ["-c", "import ast, json, sys; print(json.dumps(ast.literal_eval(sys.stdin.read())))"], stdin: porcelain);
        Assert.True(viaPython.ExitCode == 0, $"not a Python literal:\n{porcelain}\n{viaPython}");
        JsonNode fromPython = JsonNode.Parse(viaPython.Stdout)!;
        JsonNode fromJson = JsonNode.Parse(Out("lshow", ["--json", .. args]))!;
        Assert.True(JsonNode.DeepEquals(fromPython, fromJson), $"-p and --json differ:\n{fromPython.ToJsonString()}\n{fromJson.ToJsonString()}");
        return fromJson;
    }

    /// <summary>Evaluates <paramref name="expression"/> (on x, the parsed porcelain form of `lshow -p ARGS`) in
    /// python3 and returns its repr: for the forms JSON cannot hold (tuples, sets, tuple keys).</summary>
    public string PythonOf(string expression, params string[] args)
    {
        string porcelain = Out("lshow", ["-p", .. args]);
        CommandResult r = Installed.Run("python3", ["-c", $"import ast, sys; x = ast.literal_eval(sys.stdin.read()); print(repr({expression}))"], stdin: porcelain);
        Assert.True(r.ExitCode == 0, $"not a Python literal:\n{porcelain}\n{r}");
        return r.Stdout.TrimEnd('\n');
    }

    public void Dispose()
    {
        Repo.KillServer();
        Repo.Dispose();
    }
}
