// A repo for the engine's tests: a temp dir holding LMAKE/ (store, saved rules, job infos, transcripts: the real
// disk), the rules written as LMAKE/makefiles.json from C# (a document with no stamps is never stale, and rules
// with no dynamic attribute are planned natively: no python runs), the files on a FakeDisk, the jobs run by a
// FakeBackend, and an engine on its own engine thread that requests are made on, as the server does.
using System.Text.Json.Nodes;
using Lmake.Common;
using Lmake.Common.Commands;
using Lmake.Server.Engine;
using Lmake.Server.Transport;

namespace Lmake.Server.Tests.Engine;

/// <summary>A plain rule: its target and static deps are templates such as "{File}.a" (stems match ".*").</summary>
public sealed record RuleSpec(string Name, string Target, params (string Key, string Template)[] Deps)
{
    /// <summary>A rule making {File}TARGETSUFFIX from its one static dep `dep`, {File}DEPSUFFIX.</summary>
    public static RuleSpec Step(string name, string targetSuffix, string depSuffix = "") =>
        new(name, "{File}" + targetSuffix, ("dep", "{File}" + depSuffix));
}

public sealed class TestRepo : IDisposable
{
    public string Root { get; }
    public FakeDisk Disk { get; }
    public FakeBackend Backend { get; }
    private readonly EngineLoop _loop = new();
    private Server.Engine.Engine _engine;

    public TestRepo(string[] sources, params RuleSpec[] rules)
    {
        Root = Directory.CreateTempSubdirectory("lmake-engine-test.").FullName;
        Directory.CreateDirectory(Path.Combine(Root, "LMAKE"));
        File.WriteAllText(Path.Combine(Root, "LMAKE", "makefiles.json"), MakefilesJson(sources, rules));
        Disk = new FakeDisk();
        Backend = new FakeBackend(Disk);
        _engine = EngineLoop.Wait(_loop.Run(() => Task.FromResult(new Server.Engine.Engine(Root, InstallLayout.Current, Disk, Backend))));
    }

    /// <summary>`lmake targets...` from the repo root, on the engine thread; ends with its exit code.</summary>
    public Task<int> Make(RecordingClient client, CancellationToken cancelled, params string[] targets) =>
        Make(client, cancelled, terminal: false, targets);

    /// <summary>The same from a client whose stdout is a terminal or not.</summary>
    public Task<int> Make(RecordingClient client, CancellationToken cancelled, bool terminal, params string[] targets)
    {
        LmakeOptions options = LmakeCommandLine.Parse(targets);
        var request = new ClientRequest("lmake", targets, Root, Root, new Dictionary<string, string>(), terminal);
        return _loop.Run(() => _engine.Make(request, options, client, cancelled));
    }

    /// <summary>A build with a fresh client, run to its end: its exit code and what its user saw.</summary>
    public async Task<(int Exit, RecordingClient Client)> Build(params string[] targets)
    {
        var client = new RecordingClient();
        int exit = await Make(client, CancellationToken.None, targets);
        return (exit, client);
    }

    /// <summary>The server exits (its store sealed) and a new one starts on the same repo: what it knows comes from
    /// LMAKE/ (the store, the saved rules), the files and the backend are the same.</summary>
    public void Restart()
    {
        _engine = EngineLoop.Wait(_loop.Run(() =>
        {
            _engine.Flush();
            _engine.Seal();
            return Task.FromResult(new Server.Engine.Engine(Root, InstallLayout.Current, Disk, Backend));
        }));
    }

    /// <summary>The engine's graph (its jobs, its progress board): for a test to look at once the engine is idle.</summary>
    public Server.Engine.Graph Graph => _engine.Graph;

    /// <summary>Ends when the engine thread did all that was posted to it before (a cancellation's hand-over).</summary>
    public Task Settled() => _loop.Run(() => Task.FromResult(0));

    public void Dispose()
    {
        EngineLoop.Wait(_loop.Run(() => { _engine.Graph.Store.Dispose(); return Task.FromResult(0); }));
        _loop.Dispose();
        Server.State.JobInfos.Flush();   // job infos are written behind the engine's back, into LMAKE/
        Directory.Delete(Root, recursive: true);
    }

    // ---- LMAKE/makefiles.json, as read_makefiles.py would have left it

    private static string MakefilesJson(string[] sources, RuleSpec[] rules) => new JsonObject
    {
        ["version"] = 1,
        ["lmakefile"] = "Lmakefile.py",
        ["config"] = JsonNode.Parse(Config),
        ["config_set"] = new JsonArray(),
        ["sources"] = Array(sources.Select(s => (JsonNode)s)),
        ["source_dirs"] = new JsonArray(),
        ["sources_origin"] = "manifest",
        ["rules"] = Array(rules.Select((r, i) => RuleJson(r, i))),
        ["reads"] = new JsonObject { ["files"] = new JsonArray(), ["environ"] = new JsonObject() },
        ["stamps"] = null,
        ["notes"] = null,
    }.ToJsonString();

    private static JsonArray Array(IEnumerable<JsonNode?> items) => new([.. items]);

    private static JsonNode RuleJson(RuleSpec rule, int line)
    {
        var stems = new JsonObject();
        foreach (string stem in new[] { rule.Target }.Concat(rule.Deps.Select(d => d.Template)).SelectMany(StemsOf).Distinct())
            stems[stem] = ".*";
        return new JsonObject
        {
            ["name"] = rule.Name, ["file"] = "Lmakefile.py", ["line"] = line + 1, ["kind"] = "plain", ["prio"] = 0,
            ["stems"] = stems, ["star_stems"] = new JsonArray(),
            ["targets"] = new JsonArray(new JsonObject
            {
                ["key"] = "target", ["parts"] = Parts(rule.Target), ["star"] = false,
                ["flags"] = new JsonArray("essential"), ["side"] = false, ["stdout"] = false,
            }),
            ["job_name"] = Parts(rule.Target),
            ["is_python"] = false,
            ["deps"] = Array(rule.Deps.Select(d => (JsonNode)new JsonObject
            {
                ["key"] = d.Key, ["template"] = d.Template, ["parts"] = Parts(d.Template),
                ["flags"] = new JsonArray("essential", "required"), ["side"] = false, ["stdin"] = false,
            })),
            ["cmd"] = new JsonObject { ["text"] = "fake", ["parts"] = new JsonArray("fake") },
            ["attrs"] = JsonNode.Parse(Attrs),
            ["dynamic"] = new JsonArray(),
        };
    }

    /// <summary>"{File}.a" -> ["", "File", ".a"]: literal text and stem names, alternately.</summary>
    private static JsonArray Parts(string template)
    {
        var parts = new JsonArray();
        int at = 0;
        while (template.IndexOf('{', at) is int open and >= 0)
        {
            int close = template.IndexOf('}', open);
            parts.Add((JsonNode)template[at..open]);
            parts.Add((JsonNode)template[(open + 1)..close]);
            at = close + 1;
        }
        parts.Add((JsonNode)template[at..]);
        return parts;
    }

    private static IEnumerable<string> StemsOf(string template) =>
        Parts(template).Where((_, i) => i % 2 == 1).Select(p => p!.GetValue<string>());

    private const string Config = """
        {"backends":{"local":{"cpu":2,"mem":1024,"tmp":0}},"caches":{},"codecs":{},"collect":{"stems":{},"ignore":{}},
         "colors":{},"console":{"date_precision":0,"host_len":null,"history_days":7,"has_exec_time":true,"show_eta":false,"show_ete":true},
         "debug":{},"trace":{"size":104857600,"n_jobs":1000,"channels":[]},"disk_date_precision":0.01,"file_sync":"dir",
         "heartbeat":10,"heartbeat_tick":0.1,"link_support":"full","local_admin_dir":null,"max_dep_depth":100,
         "max_error_lines":30,"network_delay":1,"nice":0,"path_max":200,"sub_repos":[],"req_start_proc":null,
         "req_end_proc":null,"server_start_proc":null,"server_end_proc":null,"system_tag_proc":null}
        """;

    private const string Attrs = """
        {"shell":["/bin/bash"],"python":["python3"],"environ":{},"environ_resources":{},"environ_ancillary":{},
         "resources":{"cpu":["1"]},"autodep":"ld_preload","auto_mkdir":false,"readdir_ok":false,"stderr_ok":false,
         "keep_tmp":false,"timeout":null,"kill_sigs":[9],"start_delay":3,"max_stderr_len":100,"use_script":false,
         "force":false,"backend":"local","cache":null,"max_runs":0,"max_submits":10,"max_retries_on_lost":1,"retried_errors":0}
        """;
}
