// The JSON document read_makefiles.py prints (its shape is documented at the top of that file), plus the
// stamps of the files it read, which the server adds before storing it. Source-generated: AOT-clean.
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Lmake.Server.Rules;

internal sealed class MakefilesDocument
{
    [JsonPropertyName("version")] public int Version { get; set; }
    [JsonPropertyName("lmakefile")] public string Lmakefile { get; set; } = "Lmakefile.py";
    [JsonPropertyName("config")] public Dictionary<string, JsonElement> Config { get; set; } = new();
    [JsonPropertyName("config_set")] public List<string> ConfigSet { get; set; } = new();
    [JsonPropertyName("sources")] public List<string> Sources { get; set; } = new();
    [JsonPropertyName("source_dirs")] public List<string> SourceDirs { get; set; } = new();
    [JsonPropertyName("sources_origin")] public string SourcesOrigin { get; set; } = "";
    [JsonPropertyName("rules")] public List<RuleDocument> Rules { get; set; } = new();
    [JsonPropertyName("reads")] public ReadsDocument Reads { get; set; } = new();
    [JsonPropertyName("stamps")] public List<FileStamp>? Stamps { get; set; }
    [JsonPropertyName("notes")] public List<string>? Notes { get; set; }
}

internal sealed class ReadsDocument
{
    [JsonPropertyName("files")] public List<string> Files { get; set; } = new();
    [JsonPropertyName("environ")] public Dictionary<string, string?> Environ { get; set; } = new();
    /// <summary>The variables of lmake.user_environ (the environment of the lmake command) the Lmakefile read,
    /// with the value it saw (null: unset): a request whose environment differs reads the Lmakefile again.</summary>
    [JsonPropertyName("user_environ")] public Dictionary<string, string?> UserEnviron { get; set; } = new();
}

internal sealed class RuleDocument
{
    [JsonPropertyName("name")] public string Name { get; set; } = "";
    [JsonPropertyName("file")] public string File { get; set; } = "";
    [JsonPropertyName("line")] public int Line { get; set; }
    [JsonPropertyName("kind")] public string Kind { get; set; } = "plain";
    [JsonPropertyName("prio")] public double Prio { get; set; }
    [JsonPropertyName("stems")] public Dictionary<string, string> Stems { get; set; } = new();
    [JsonPropertyName("star_stems")] public List<string> StarStems { get; set; } = new();
    [JsonPropertyName("targets")] public List<TargetDocument> Targets { get; set; } = new();
    [JsonPropertyName("job_name")] public List<string> JobName { get; set; } = new();
    [JsonPropertyName("is_python")] public bool IsPython { get; set; }
    [JsonPropertyName("deps")] public List<DepDocument> Deps { get; set; } = new();
    /// <summary>Deps with a star stem: patterns whose flags apply to the files the job reads that match them.</summary>
    [JsonPropertyName("star_deps")] public List<TargetDocument> StarDeps { get; set; } = new();
    [JsonPropertyName("cmd")] public CmdDocument Cmd { get; set; } = new();
    [JsonPropertyName("attrs")] public AttrsDocument Attrs { get; set; } = new();
    [JsonPropertyName("dynamic")] public List<string> Dynamic { get; set; } = new();
}

internal sealed class TargetDocument
{
    [JsonPropertyName("key")] public string Key { get; set; } = "";
    [JsonPropertyName("parts")] public List<string> Parts { get; set; } = new();
    [JsonPropertyName("star")] public bool Star { get; set; }
    [JsonPropertyName("flags")] public List<string> Flags { get; set; } = new();
    [JsonPropertyName("side")] public bool Side { get; set; }
    [JsonPropertyName("stdout")] public bool Stdout { get; set; }
}

internal sealed class DepDocument
{
    [JsonPropertyName("key")] public string Key { get; set; } = "";
    [JsonPropertyName("template")] public string? Template { get; set; }
    [JsonPropertyName("parts")] public List<string>? Parts { get; set; }
    [JsonPropertyName("flags")] public List<string> Flags { get; set; } = new();
    [JsonPropertyName("side")] public bool Side { get; set; }
    [JsonPropertyName("stdin")] public bool Stdin { get; set; }
}

internal sealed class CmdDocument
{
    [JsonPropertyName("text")] public string Text { get; set; } = "";
    [JsonPropertyName("parts")] public List<string>? Parts { get; set; }
}

/// <summary>Running and scheduling attributes; dict values are template parts. In a helper answer, dict values
/// are one-element lists holding the final text.</summary>
internal sealed class AttrsDocument
{
    [JsonPropertyName("shell")] public List<string>? Shell { get; set; }
    [JsonPropertyName("python")] public List<string>? Python { get; set; }
    [JsonPropertyName("environ")] public Dictionary<string, List<string>>? Environ { get; set; }
    [JsonPropertyName("environ_resources")] public Dictionary<string, List<string>>? EnvironResources { get; set; }
    [JsonPropertyName("environ_ancillary")] public Dictionary<string, List<string>>? EnvironAncillary { get; set; }
    [JsonPropertyName("resources")] public Dictionary<string, List<string>>? Resources { get; set; }
    [JsonPropertyName("autodep")] public string? Autodep { get; set; }
    [JsonPropertyName("auto_mkdir")] public bool? AutoMkdir { get; set; }
    [JsonPropertyName("readdir_ok")] public bool? ReaddirOk { get; set; }
    [JsonPropertyName("stderr_ok")] public bool? StderrOk { get; set; }
    [JsonPropertyName("check_abs_paths")] public bool? CheckAbsPaths { get; set; }
    [JsonPropertyName("keep_tmp")] public bool? KeepTmp { get; set; }
    [JsonPropertyName("timeout")] public double? Timeout { get; set; }
    [JsonPropertyName("kill_sigs")] public List<int>? KillSigs { get; set; }
    [JsonPropertyName("start_delay")] public double? StartDelay { get; set; }
    [JsonPropertyName("max_stderr_len")] public int? MaxStderrLen { get; set; }
    [JsonPropertyName("use_script")] public bool? UseScript { get; set; }
    [JsonPropertyName("force")] public bool? Force { get; set; }
    [JsonPropertyName("backend")] public string? Backend { get; set; }
    [JsonPropertyName("cache")] public string? Cache { get; set; }
    [JsonPropertyName("max_runs")] public int? MaxRuns { get; set; }
    [JsonPropertyName("max_submits")] public int? MaxSubmits { get; set; }
    [JsonPropertyName("max_retries_on_lost")] public int? MaxRetriesOnLost { get; set; }
    [JsonPropertyName("retried_errors")] public int? RetriedErrors { get; set; }
    [JsonPropertyName("namespace")] public NamespaceDocument? Namespace { get; set; }
}

/// <summary>The namespace attributes of a rule (rule_compiler.namespace_attrs): template parts of each name.</summary>
internal sealed class NamespaceDocument
{
    [JsonPropertyName("repo_view")] public List<string>? RepoView { get; set; }
    [JsonPropertyName("tmp_view")] public List<string>? TmpView { get; set; }
    [JsonPropertyName("lmake_view")] public List<string>? LmakeView { get; set; }
    [JsonPropertyName("chroot_dir")] public List<string>? ChrootDir { get; set; }
    [JsonPropertyName("chroot_actions")] public List<string>? ChrootActions { get; set; }
    [JsonPropertyName("kill_daemons")] public bool KillDaemons { get; set; }
    [JsonPropertyName("views")] public List<ViewDocument>? Views { get; set; }
}

/// <summary>One entry of a rule's views: bind (a physical dir) or overlay (upper, lower, copy_up).</summary>
internal sealed class ViewDocument
{
    [JsonPropertyName("view")] public List<string> View { get; set; } = new();
    [JsonPropertyName("bind")] public List<string>? Bind { get; set; }
    [JsonPropertyName("upper")] public List<string>? Upper { get; set; }
    [JsonPropertyName("lower")] public List<List<string>>? Lower { get; set; }
    [JsonPropertyName("copy_up")] public List<List<string>>? CopyUp { get; set; }
}

/// <summary>What a file read by the Lmakefile looked like when it was read.</summary>
public sealed class FileStamp
{
    [JsonPropertyName("path")] public string Path { get; set; } = "";
    [JsonPropertyName("exists")] public bool Exists { get; set; }
    [JsonPropertyName("size")] public long Size { get; set; }
    [JsonPropertyName("mtime")] public long MtimeTicks { get; set; }
    [JsonPropertyName("checksum")] public string Checksum { get; set; } = "";
}

internal sealed class HelperRequest
{
    [JsonPropertyName("rule")] public int Rule { get; set; }
    [JsonPropertyName("name")] public string Name { get; set; } = "";
    [JsonPropertyName("stems")] public Dictionary<string, string> Stems { get; set; } = new();
    [JsonPropertyName("targets")] public Dictionary<string, string> Targets { get; set; } = new();
    [JsonPropertyName("deps")] public Dictionary<string, string> Deps { get; set; } = new();
    [JsonPropertyName("want")] public List<string> Want { get; set; } = new();
    /// <summary>Instead of a job: call lmake.config.PROC (server_start_proc, req_end_proc...).</summary>
    [JsonPropertyName("proc")] public string? Proc { get; set; }
}

internal sealed class HelperDep
{
    [JsonPropertyName("name")] public string? Name { get; set; }
    [JsonPropertyName("flags")] public List<string>? Flags { get; set; }
}

internal sealed class HelperAnswer
{
    [JsonPropertyName("ready")] public int? Ready { get; set; }
    [JsonPropertyName("error")] public string? Error { get; set; }
    [JsonPropertyName("deps")] public Dictionary<string, HelperDep>? Deps { get; set; }
    /// <summary>With an error: the repo files its backtrace goes through (the failed job reads them).</summary>
    [JsonPropertyName("files")] public List<string>? Files { get; set; }
    [JsonPropertyName("cmd")] public string? Cmd { get; set; }
    [JsonPropertyName("attrs")] public AttrsDocument? Attrs { get; set; }
    /// <summary>The repo files the job's dynamic attributes opened (after its deps were computed), in order.</summary>
    [JsonPropertyName("reads")] public List<string>? Reads { get; set; }
    /// <summary>For each of Reads, the attributes that read it (DynamicReadKind bits); absent: all None.</summary>
    [JsonPropertyName("read_kinds")] public List<int>? ReadKinds { get; set; }
}

// Metadata only: no generated fast-path writers (same JSON, issue 18: executable size)
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.Never, GenerationMode = JsonSourceGenerationMode.Metadata)]
[JsonSerializable(typeof(MakefilesDocument))]
[JsonSerializable(typeof(HelperRequest))]
[JsonSerializable(typeof(HelperAnswer))]
[JsonSerializable(typeof(string))]
internal sealed partial class RulesJsonContext : JsonSerializerContext { }
