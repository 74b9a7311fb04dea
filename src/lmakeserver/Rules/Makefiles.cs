// What Lmakefile.py defines (config, sources, rules), read by running python3 _lib/read_makefiles.py, and
// what the reader looked at (files, environment variables), so it is rerun only when one of them changed.
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Lmake.Common;
using Lmake.Common.Checksums;

namespace Lmake.Server.Rules;

public sealed class Makefiles
{
    private readonly MakefilesDocument _doc;

    public Config Config { get; }
    /// <summary>Repo-relative source files.</summary>
    public IReadOnlyList<string> Sources { get; }
    /// <summary>Source dirs, ending in '/', relative or absolute.</summary>
    public IReadOnlyList<string> SourceDirs { get; }
    /// <summary>Where the sources came from: "manifest" (lmake.manifest), "Manifest" (the file) or "git".</summary>
    public string SourcesOrigin => _doc.SourcesOrigin;
    public IReadOnlyList<Rule> Rules { get; }
    /// <summary>A SourceRule is among the rules: a name may be a source without being listed.</summary>
    public bool HasSourceRules { get; }
    /// <summary>Lines the reader wrote on stderr without failing (keys accepted without effect yet...).</summary>
    public IReadOnlyList<string> Notes => _doc.Notes ?? [];
    /// <summary>The files the reader read (absolute paths) and the environment variables it looked at.</summary>
    public IReadOnlyList<string> FilesRead => _doc.Reads.Files;
    public IReadOnlyDictionary<string, string?> EnvironRead => _doc.Reads.Environ;

    private Makefiles(MakefilesDocument doc)
    {
        _doc = doc;
        if (doc.Version != 1) throw new LmakefileException($"read_makefiles.py: unknown document version {doc.Version}", ExitCode.InternalError);
        Config = new Config(doc.Config, doc.ConfigSet);
        Sources = doc.Sources;
        SourceDirs = doc.SourceDirs;
        var rules = new List<Rule>(doc.Rules.Count);
        for (int i = 0; i < doc.Rules.Count; i++) rules.Add(new Rule(doc.Rules[i], i));
        Rules = rules;
        HasSourceRules = rules.Any(r => r.Kind == RuleKind.Source);
    }

    /// <summary>Runs Lmakefile.py of <paramref name="repoRoot"/> through the reader; throws
    /// <see cref="LmakefileException"/> (exit code 8) with the reader's one-line message when it is broken.</summary>
    /// <param name="userEnviron">the environment of the lmake command, what lmake.user_environ shows (null: the server's)</param>
    public static Makefiles Read(string repoRoot, InstallLayout layout, IReadOnlyDictionary<string, string>? userEnviron = null)
    {
        repoRoot = Path.GetFullPath(repoRoot);
        string reader = Path.Combine(layout.PrivateLib, "read_makefiles.py");
        if (!File.Exists(reader)) throw new LmakefileException($"{reader}: missing (bad install)", ExitCode.InternalError);
        var (exit, stdout, stderr) = RunReader(reader, repoRoot, UserEnvironLine(userEnviron ?? ServerEnviron()));
        string err = stderr.TrimEnd('\n');
        if (exit == ExitCode.BadLmakefile) throw new LmakefileException(err.Length > 0 ? err : "Lmakefile.py: broken (no message)");
        if (exit != 0) throw new LmakefileException($"read_makefiles.py failed (exit {exit}): {err}", ExitCode.InternalError);
        MakefilesDocument? doc;
        // (parsed from UTF-8 bytes the GC takes back: parsed from the text, the parser's buffer of three bytes a char
        // came from the shared array pool, which kept it for the server's whole build, 8 MB on a repo of 10,000 files)
        try { doc = JsonSerializer.Deserialize(Encoding.UTF8.GetBytes(stdout), RulesJsonContext.Default.MakefilesDocument); }
        catch (JsonException e) { throw new LmakefileException($"read_makefiles.py: bad output: {e.Message}", ExitCode.InternalError); }
        if (doc == null) throw new LmakefileException("read_makefiles.py: empty output", ExitCode.InternalError);
        // what the reader was given, not what it saw: a python3 wrapper (pyenv) edits PATH before the reader
        // runs, and comparing that with the server's PATH made every new server read Lmakefile.py again
        foreach (string name in doc.Reads.Environ.Keys.ToList()) doc.Reads.Environ[name] = Environment.GetEnvironmentVariable(name);
        doc.Notes = err.Length == 0 ? null : err.Split('\n').ToList();
        doc.Stamps = doc.Reads.Files.Select(StampOf).ToList();
        return new Makefiles(doc);
    }

    internal static string PythonExecutable => Environment.GetEnvironmentVariable("LMAKE_PYTHON") is { Length: > 0 } p ? p : "python3";

    /// <summary>The variables of lmake.user_environ the Lmakefile read (null: unset), for the per-job helper.</summary>
    public IReadOnlyDictionary<string, string?> UserEnvironRead => _doc.Reads.UserEnviron;

    private static Dictionary<string, string> ServerEnviron()
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (System.Collections.DictionaryEntry e in Environment.GetEnvironmentVariables())
            if (e.Key is string k && e.Value is string v) env[k] = v;
        return env;
    }

    /// <summary>The first line the reader (and the per-job helper) reads on its stdin: lmake.user_environ.</summary>
    internal static string UserEnvironLine<TValue>(IReadOnlyDictionary<string, TValue> environ)
    {
        var copy = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var (k, v) in environ) copy[k] = v?.ToString();
        return JsonSerializer.Serialize(copy, RulesJsonContext.Default.DictionaryStringString) + "\n";
    }

    private static (int Exit, string Stdout, string Stderr) RunReader(string reader, string repoRoot, string userEnvironLine)
    {
        var psi = new ProcessStartInfo(PythonExecutable)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true,
            UseShellExecute = false, WorkingDirectory = repoRoot,
            StandardOutputEncoding = Encoding.UTF8, StandardErrorEncoding = Encoding.UTF8,
        };
        psi.ArgumentList.Add(reader);
        psi.ArgumentList.Add(repoRoot);
        psi.ArgumentList.Add("--user-environ-stdin");
        Process proc;
        try { proc = Process.Start(psi) ?? throw new InvalidOperationException("no process"); }
        catch (Exception e) { throw new LmakefileException($"cannot run {PythonExecutable}: {e.Message}", ExitCode.InternalError); }
        using (proc)
        {
            proc.StandardInput.Write(userEnvironLine);
            proc.StandardInput.Close();
            Task<string> err = proc.StandardError.ReadToEndAsync();
            string output = proc.StandardOutput.ReadToEnd();
            proc.WaitForExit();
            return (proc.ExitCode, output, err.Result);
        }
    }

    /// <summary>True when a file the reader read or an environment variable it looked at changed since.</summary>
    /// <param name="userEnviron">the environment of the lmake command (null: not known, e.g. before any
    /// request: what the Lmakefile read of it is then not compared)</param>
    public bool IsStale(string repoRoot, IReadOnlyDictionary<string, string>? userEnviron = null)
    {
        if (userEnviron != null)
            foreach (var (name, value) in _doc.Reads.UserEnviron)
                if ((userEnviron.TryGetValue(name, out string? now) ? now : null) != value) return true;
        foreach (FileStamp old in _doc.Stamps ?? [])
        {
            FileStamp now = StatOf(old.Path);
            if (now.Exists != old.Exists) return true;
            if (!now.Exists || (now.Size == old.Size && now.MtimeTicks == old.MtimeTicks)) continue;
            if (ChecksumOf(old.Path) != old.Checksum) return true;      // touched but same content: not stale
        }
        foreach (var (name, value) in _doc.Reads.Environ)
            if (Environment.GetEnvironmentVariable(name) != value) return true;
        if (_doc.Stamps == null && _doc.Reads.Files.Count > 0) return true;
        return false;
    }

    private static FileStamp StatOf(string path)
    {
        var info = new FileInfo(path);
        if (!info.Exists) return new FileStamp { Path = path };
        return new FileStamp { Path = path, Exists = true, Size = info.Length, MtimeTicks = info.LastWriteTimeUtc.Ticks };
    }

    private static string ChecksumOf(string path)
    {
        try { return FileChecksum.Of(path).ToString(); }
        catch (IOException) { return "none"; }
        catch (UnauthorizedAccessException) { return "none"; }
    }

    private static FileStamp StampOf(string path)
    {
        FileStamp s = StatOf(path);
        s.Checksum = s.Exists ? ChecksumOf(path) : "none";
        return s;
    }

    /// <summary>The state to store between runs (the reader's document plus the stamps of what it read).</summary>
    public string ToJson() => JsonSerializer.Serialize(Document, RulesJsonContext.Default.MakefilesDocument);

    /// <summary>The same, written to a stream as it goes (no whole-document buffer from the shared array pool).</summary>
    public void WriteJson(Stream stream) => JsonSerializer.Serialize(stream, Document, RulesJsonContext.Default.MakefilesDocument);

    /// <summary>The rules' deps as the reader wrote them are let go, once saved (or read from where they were saved):
    /// the rules were compiled from them and nothing reads them again. A rule with a hundred static deps keeps
    /// several strings, lists and arrays per dep there, megabytes for a generated Lmakefile.</summary>
    public void LetGoOfDepDocuments()
    {
        foreach (RuleDocument rule in _doc.Rules) rule.Deps = [];
        _depsLetGo = true;
    }
    private bool _depsLetGo;

    private MakefilesDocument Document =>
        _depsLetGo ? throw new InvalidOperationException("the rules' deps were let go: the document can no longer be saved") : _doc;

    public static Makefiles FromJson(string json)
    {
        MakefilesDocument? doc;
        try { doc = JsonSerializer.Deserialize(json, RulesJsonContext.Default.MakefilesDocument); }
        catch (JsonException e) { throw new LmakefileException($"stored rules: corrupt ({e.Message})", ExitCode.BadState); }
        return new Makefiles(doc ?? throw new LmakefileException("stored rules: empty", ExitCode.BadState));
    }

    /// <summary>From the bytes of a file as saved (UTF-8): no text to decode, then encode again for the parser.</summary>
    public static Makefiles FromJson(ReadOnlySpan<byte> utf8Json)
    {
        MakefilesDocument? doc;
        try { doc = JsonSerializer.Deserialize(utf8Json, RulesJsonContext.Default.MakefilesDocument); }
        catch (JsonException e) { throw new LmakefileException($"stored rules: corrupt ({e.Message})", ExitCode.BadState); }
        return new Makefiles(doc ?? throw new LmakefileException("stored rules: empty", ExitCode.BadState));
    }

    /// <summary>The summaries' names in LMAKE/ (listed with the rest of it in State/LmakeDir.cs, which Rules
    /// cannot see: it is named here, beside what it writes).</summary>

    /// <summary>Writes LMAKE/config, LMAKE/rules and LMAKE/manifest: what was understood, for users to read.</summary>
    /// <param name="configPath">Where each goes (State.LmakeDir names them: LMAKE/config, rules, manifest).</param>
    public void WriteSummaries(string configPath, string rulesPath, string manifestPath)
    {
        WriteAtomically(configPath, Config.Describe());
        WriteAtomically(rulesPath, RuleSummary.Describe(Rules));
        var manifest = new StringBuilder();
        manifest.Append("# sources from ").Append(SourcesOrigin).Append('\n');
        foreach (string s in Sources) manifest.Append(s).Append('\n');
        foreach (string d in SourceDirs) manifest.Append(d).Append('\n');
        WriteAtomically(manifestPath, manifest.ToString());
    }

    private static void WriteAtomically(string path, string text)
    {
        string tmp = path + ".tmp." + Environment.ProcessId;
        File.WriteAllText(tmp, text);
        File.Move(tmp, path, overwrite: true);
    }
}
