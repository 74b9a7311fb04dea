// A job plan while it is being made: what the server substitutes itself first, then what the python helper
// answered, then the final JobPlan with the rule's defaults applied.
using System.Text;
using System.Text.Json;
using Lmake.Common;

namespace Lmake.Server.Rules;

internal sealed class PartialPlan
{
    public RuleMatch Match { get; }
    /// <summary>The non-star stems (the match's own stems when the rule has no star stem).</summary>
    public IReadOnlyDictionary<string, string> Stems { get; }
    /// <summary>Target key to name (star targets: their pattern with {Stem*}), for f-strings.</summary>
    public Dictionary<string, string> TargetValues { get; }
    public Dictionary<string, string> DepValues { get; }

    private readonly List<StaticDep> _deps;
    private string? _stdinDep;
    private string? _cmd;
    private AttrsDocument? _dynamicAttrs;
    private string? _evaluationError;
    private List<string>? _evaluationFiles;
    private List<string>? _dynamicReads;
    private List<int>? _dynamicReadKinds;

    public PartialPlan(RuleMatch match)
    {
        Match = match;
        Rule rule = match.Rule;
        Stems = JobShape.NonStarStems(match);
        TargetValues = new Dictionary<string, string>(rule.Targets.Count, StringComparer.Ordinal);
        foreach (TargetSpec t in rule.Targets) TargetValues[t.Key] = t.Pattern.ExpandStems(Stems);
        DepValues = new Dictionary<string, string>(rule.Deps.Count, StringComparer.Ordinal);
        _deps = new List<StaticDep>(rule.Deps.Count);
        if (!rule.Dynamic.Contains("deps"))
            foreach (DepSpec d in rule.Deps)
            {
                string name = d.Native!.Expand(Stems);
                AddDep(d, name, d.Flags);
            }
    }

    private void AddDep(DepSpec? spec, string name, DepFlags flags)
    {
        string key = spec?.Key ?? "";
        DepValues[key] = name;
        if (spec is { IsStdin: true }) _stdinDep = name;
        if (spec is not { IsSide: true }) _deps.Add(new StaticDep(key, name, flags));
        else _sideDeps.Add(new StaticDep(key, name, flags));
    }

    // side_deps entries without a star stem: no dep, only the flags of the file when the job reads it
    private readonly List<StaticDep> _sideDeps = [];

    /// <summary>The job's resources, once known (Finish): variables of its cmd and environ too (null: none).</summary>
    private Dictionary<string, string>? _resources;

    private string? Lookup(string name) =>
        Stems.TryGetValue(name, out string? s) ? s : TargetValues.TryGetValue(name, out string? t) ? t :
        DepValues.TryGetValue(name, out string? d) ? d : _resources != null && _resources.TryGetValue(name, out string? r) ? r : null;

    private Func<string, string?>? _lookup;
    private Func<string, string?> LookupFunction => _lookup ??= Lookup;

    // what a job without such attributes shares (never written to)
    private static readonly Dictionary<string, string> NoResources = new(StringComparer.Ordinal);
    private static readonly Dictionary<string, string?> NoEnviron = new(StringComparer.Ordinal);
    private static readonly string[] EnvironAttributes = ["environ_ancillary", "environ_resources", "environ"];

    public void Apply(HelperAnswer answer)
    {
        Rule rule = Match.Rule;
        _dynamicReads = answer.Reads;   // a failed computation too: a file it could not read may be made
        _dynamicReadKinds = answer.ReadKinds;
        if (answer.Error != null)
        {
            // what the Lmakefile computes for this job failed (an exception in its function): the job runs
            // nothing but fails with that message, as any job whose cmd fails (never an internal error)
            _evaluationError = $"{rule.Location}: rule {rule.Name}: cannot compute the job for stems " +
                StemsText() + $": {answer.Error}";
            _evaluationFiles = answer.Files;
            return;
        }
        if (answer.Deps != null)
        {
            _deps.Clear();
            _sideDeps.Clear();
            DepValues.Clear();
            var specs = rule.Deps.ToDictionary(d => d.Key, StringComparer.Ordinal);
            foreach (var (key, dep) in answer.Deps)
            {
                if (dep.Name == null) continue;                  // a dep computed as None: no dep
                specs.TryGetValue(key, out DepSpec? spec);
                DepFlags flags = dep.Flags != null ? FlagNames.ParseDepFlags(dep.Flags, "dep", key) : spec?.Flags ?? (DepFlags.Essential | DepFlags.Required);
                DepValues[key] = dep.Name;
                if (spec is { IsStdin: true }) _stdinDep = dep.Name;
                if (spec is not { IsSide: true }) _deps.Add(new StaticDep(key, dep.Name, flags));
                else _sideDeps.Add(new StaticDep(key, dep.Name, flags));
            }
        }
        if (answer.Cmd != null) _cmd = answer.Cmd;
        _dynamicAttrs = answer.Attrs;
    }

    public JobPlan Finish(Config config)
    {
        Rule rule = Match.Rule;
        AttrsDocument s = rule.Attrs, d = _dynamicAttrs ?? new AttrsDocument();
        bool Dyn(string name) => rule.Dynamic.Contains(name);
        T Pick<T>(string name, T dynamicValue, T staticValue) => Dyn(name) ? dynamicValue : staticValue;

        List<TargetPattern>? stars = null;
        var targets = new List<string>(rule.Targets.Count);
        var targetFlags = new List<TargetFlags>(rule.Targets.Count);
        string? stdoutTarget = null;
        foreach (TargetSpec t in rule.Targets)
        {
            if (t.IsStar)
                (stars ??= []).Add(new TargetPattern(t.Key, TargetSpec.BuildRegex(t.Pattern, rule.DotNetStems, Stems), t.Flags, TargetValues[t.Key])
                    { FixedDir = FixedDirOf(t.Pattern) });
            else
            {
                targets.Add(TargetValues[t.Key]);
                // a side target is allowed, not promised: the job may leave it out (a scratch file it renames)
                targetFlags.Add(JobShape.StaticTargetFlags(t));
                if (t.IsStdout) stdoutTarget = TargetValues[t.Key];
            }
        }
        string jobName = rule.JobName.ExpandJobName(Stems);
        List<DepPattern>? starDeps = null;
        foreach (StarDepSpec sd in rule.StarDeps)
            (starDeps ??= []).Add(new DepPattern(sd.Key, TargetSpec.BuildRegex(sd.Pattern, rule.DotNetStems, Stems), sd.Flags,
                sd.Pattern.ExpandStems(Stems)));

        // resources first: the cmd and the environ may use them
        ExpandResources(d);
        // a command made without the helper is made again when needed rather than kept (JobPlan.Command)
        bool remade = rule.Dynamic.Count == 0 && _evaluationError == null;
        JobCommand? command = remade ? null : BuildCommand(d);
        bool hasCmd = command != null ? command.Script.Length > 0
            : rule.IsPython || rule.CmdTemplate is Template cmdTemplate && (HasText(cmdTemplate) || cmdTemplate.Expand(LookupFunction).Length > 0);

        Dictionary<string, string?>? environ = null;
        foreach (string attr in EnvironAttributes)
        {
            Dictionary<string, List<string>>? dict = attr switch
            {
                "environ" => Pick(attr, d.Environ, s.Environ),
                "environ_resources" => Pick(attr, d.EnvironResources, s.EnvironResources),
                _ => Pick(attr, d.EnvironAncillary, s.EnvironAncillary),
            };
            foreach (var (k, parts) in dict ?? [])
                (environ ??= new(StringComparer.Ordinal))[k] = EnvironValue(k, new Template(parts).Expand(LookupFunction), config);
        }

        double? timeout = Pick("timeout", d.Timeout, s.Timeout);
        return new JobPlan
        {
            Rule = rule,
            Stems = Stems,
            JobName = jobName,
            Targets = targets,
            TargetFlags = rule.Shared.TargetFlags(targetFlags),
            StarTargets = stars ?? (IReadOnlyList<TargetPattern>)Array.Empty<TargetPattern>(),
            StaticDeps = _deps,
            StarDeps = starDeps ?? (IReadOnlyList<DepPattern>)Array.Empty<DepPattern>(),
            SideDeps = _sideDeps.Count > 0 ? [.. _sideDeps] : Array.Empty<StaticDep>(),
            HasCmd = hasCmd,
            KeptCommand = command,
            CommandMatch = remade ? Match : null,
            StdinDep = _stdinDep,
            DynamicReads = _dynamicReads ?? (IReadOnlyList<string>)[],
            DynamicReadKinds = _dynamicReadKinds ?? (IReadOnlyList<int>)[],
            StdoutTarget = stdoutTarget,
            Environ = environ == null ? NoEnviron : rule.Shared.Environ(environ),
            Autodep = Pick("autodep", d.Autodep, s.Autodep) ?? "ld_preload",
            Timeout = timeout is > 0 ? TimeSpan.FromSeconds(timeout.Value) : null,
            KillSigs = Pick("kill_sigs", d.KillSigs, s.KillSigs) ?? (IReadOnlyList<int>)DefaultKillSigs,
            // a fresh one per Finish (the cmd was expanded from it), the rule's copy kept when it is the same
            Resources = _resources == null ? NoResources : rule.Shared.Resources(_resources),
            Backend = Pick("backend", d.Backend, s.Backend) ?? "local",
            Cache = Pick("cache", d.Cache, s.Cache),
            StartDelay = TimeSpan.FromSeconds(Pick("start_delay", d.StartDelay, s.StartDelay) ?? 3),
            StderrOk = Pick("stderr_ok", d.StderrOk, s.StderrOk) ?? false,
            CheckAbsPaths = Pick("check_abs_paths", d.CheckAbsPaths, s.CheckAbsPaths) ?? false,
            ReaddirOk = Pick("readdir_ok", d.ReaddirOk, s.ReaddirOk) ?? false,
            AutoMkdir = Pick("auto_mkdir", d.AutoMkdir, s.AutoMkdir) ?? false,
            KeepTmp = Pick("keep_tmp", d.KeepTmp, s.KeepTmp) ?? false,
            UseScript = Pick("use_script", d.UseScript, s.UseScript) ?? false,
            Force = Pick("force", d.Force, s.Force) ?? false,
            MaxStderrLen = Pick("max_stderr_len", d.MaxStderrLen, s.MaxStderrLen) ?? 100,
            MaxRuns = Pick("max_runs", d.MaxRuns, s.MaxRuns) ?? 0,
            MaxSubmits = Pick("max_submits", d.MaxSubmits, s.MaxSubmits) ?? 10,
            MaxRetriesOnLost = Pick("max_retries_on_lost", d.MaxRetriesOnLost, s.MaxRetriesOnLost) ?? 1,
            RetriedErrors = Pick("retried_errors", d.RetriedErrors, s.RetriedErrors) ?? 0,
            Views = JobViews.Expand(Pick("namespace", d.Namespace, s.Namespace), LookupFunction),
        };
    }

    private static readonly AttrsDocument NoDynamicAttrs = new();
    private static readonly int[] DefaultKillSigs = [9];

    /// <summary>The command of a job whose plan was computed without the helper, made again from its match (what
    /// Finish would have made: the same stems, targets, deps and resources).</summary>
    internal static JobCommand CommandOf(RuleMatch match)
    {
        var partial = new PartialPlan(match);
        partial.ExpandResources(NoDynamicAttrs);
        return partial.BuildCommand(NoDynamicAttrs);
    }

    private void ExpandResources(AttrsDocument d)
    {
        _resources = null;
        foreach (var (k, parts) in (Match.Rule.Dynamic.Contains("resources") ? d.Resources : Match.Rule.Attrs.Resources) ?? [])
            (_resources ??= new(StringComparer.Ordinal))[k] = new Template(parts).Expand(LookupFunction);
    }

    private JobCommand BuildCommand(AttrsDocument d)
    {
        Rule rule = Match.Rule;
        AttrsDocument s = rule.Attrs;
        T Pick<T>(string name, T dynamicValue, T staticValue) => rule.Dynamic.Contains(name) ? dynamicValue : staticValue;
        // native cmds are expanded last: their deps may have come from the helper
        if (_cmd == null && rule.CmdTemplate != null && !rule.Dynamic.Contains("cmd"))
            _cmd = rule.IsPython ? rule.CmdText : rule.CmdTemplate.Expand(LookupFunction);
        string cmd = _cmd ?? "";
        string script;
        string[] argv;
        if (_evaluationError != null)
        {
            // the files of the backtrace are read, as python does to print it: deps (the job reruns when they change)
            var sb = new StringBuilder();
            foreach (string f in _evaluationFiles ?? []) sb.Append(": <'").Append(f.Replace("'", "'\\''")).Append("'\n");
            script = sb + "cat >&2 <<'_LMAKE_EOF_'\n" + _evaluationError + "\n_LMAKE_EOF_\nexit 1\n";
            argv = ["/bin/sh", "-c", script];
        }
        else if (rule.IsPython)
        {
            script = PythonPreamble() + cmd;
            argv = [.. Pick("python", d.Python, s.Python) ?? ["python3"], "-c", script];
        }
        else
        {
            script = cmd;
            argv = [.. Pick("shell", d.Shell, s.Shell) ?? ["/bin/bash"], "-c", script];
        }
        return new JobCommand(argv, script);
    }

    /// <summary>Has the template literal text (then what it expands to is never empty)?</summary>
    private static bool HasText(Template t)
    {
        for (int i = 0; i < t.Parts.Count; i += 2)
            if (t.Parts[i].Length > 0) return true;
        return false;
    }

    /// <summary>'...' alone: the backend's value (null); '...' inside a value: replaced by the backend's value now.</summary>
    private static string? EnvironValue(string name, string value, Config config)
    {
        // a bare `...`: the backend's value, lmake.config.backends.local.environ first, else the server's (null)
        if (value == "...") return config.LocalEnviron.TryGetValue(name, out string? configured) ? configured : null;
        if (!value.Contains("...", StringComparison.Ordinal)) return value;
        string inherited = config.LocalEnviron.TryGetValue(name, out string? v) ? v : Environment.GetEnvironmentVariable(name) ?? "";
        return value.Replace("...", inherited, StringComparison.Ordinal);
    }

    /// <summary>The first lines of a python job: its stems, targets and deps as globals.</summary>
    private string PythonPreamble()
    {
        var sb = new StringBuilder();
        // imports of modules not built yet become deps (python alone never asks for a file it did not list)
        // (a python without lmake's lib in its path runs the cmd all the same)
        // (an environ that sets PYTHONPATH leaves lmake's lib out: it is then looked for last, where it is)
        string lib = JsonSerializer.Serialize(InstallLayout.Current.Lib, RulesJsonContext.Default.String);
        sb.Append("try:\n    import lmake.import_machinery\nexcept ImportError:\n    import sys as _lmake_sys\n    _lmake_sys.path.append(")
          .Append(lib).Append(")\ntry:\n    from lmake.import_machinery import fix_import as _lmake_fix_import\n    _lmake_fix_import()\nexcept ImportError: pass\n");
        // the whole dicts first (stems, targets, deps, resources, job_name), then each entry by its own name
        void DefineDict(string name, IEnumerable<KeyValuePair<string, string>> entries)
        {
            sb.Append(name).Append(" = {");
            foreach (var (k, v) in entries)
                sb.Append(JsonSerializer.Serialize(k, RulesJsonContext.Default.String)).Append(": ")
                  .Append(JsonSerializer.Serialize(v, RulesJsonContext.Default.String)).Append(", ");
            sb.Append("}\n");
        }
        DefineDict("stems", Stems);
        DefineDict("targets", TargetValues);
        DefineDict("deps", DepValues);
        DefineDict("resources", _resources ?? NoResources);
        sb.Append("job_name = ").Append(JsonSerializer.Serialize(Match.Rule.JobName.ExpandStems(Stems), RulesJsonContext.Default.String)).Append('\n');
        void Define(string name, string value)
        {
            if (!IsIdentifier(name)) return;
            sb.Append(name).Append(" = ").Append(JsonSerializer.Serialize(value, RulesJsonContext.Default.String)).Append('\n');
        }
        foreach (var (k, v) in Stems) Define(k, v);
        // a star target is a str that, called with its star stems, names one of its files (lmake/_star.py)
        var starKeys = Match.Rule.Targets.Where(t => t.IsStar && IsIdentifier(t.Key)).Select(t => t.Key)
            .ToHashSet(StringComparer.Ordinal);
        if (starKeys.Count > 0) sb.Append("from lmake._star import StarTarget as _lmake_StarTarget\n");
        foreach (var (k, v) in TargetValues)
        {
            if (!starKeys.Contains(k)) { Define(k, v); continue; }
            sb.Append(k).Append(" = _lmake_StarTarget(").Append(JsonSerializer.Serialize(v, RulesJsonContext.Default.String)).Append(")\n");
        }
        foreach (var (k, v) in DepValues) Define(k, v);
        // a star dep, as a star target: a str callable with its star stems
        foreach (StarDepSpec sd in Match.Rule.StarDeps)
        {
            if (!IsIdentifier(sd.Key)) continue;
            if (starKeys.Count == 0) { sb.Append("from lmake._star import StarTarget as _lmake_StarTarget\n"); starKeys.Add(sd.Key); }
            sb.Append(sd.Key).Append(" = _lmake_StarTarget(").Append(JsonSerializer.Serialize(sd.Pattern.ExpandStems(Stems), RulesJsonContext.Default.String)).Append(")\n");
        }
        foreach (var (k, v) in _resources ?? NoResources)
            if (!Stems.ContainsKey(k) && !TargetValues.ContainsKey(k) && !DepValues.ContainsKey(k)) Define(k, v);
        return sb.ToString();
    }

    /// <summary>The folder every file of a star target lies in (its text up to the first star stem, cut at the
    /// last '/'): created before the job runs, as a static target's own folder is. "" when it is the repo root.</summary>
    private string FixedDirOf(Template pattern)
    {
        var prefix = new System.Text.StringBuilder(pattern.Parts[0]);
        for (int i = 1; i < pattern.Parts.Count; i += 2)
        {
            if (!Stems.TryGetValue(pattern.Parts[i], out string? value)) break;
            prefix.Append(value).Append(pattern.Parts[i + 1]);
        }
        string text = prefix.ToString();
        int slash = text.LastIndexOf('/');
        return slash > 0 ? text[..slash] : "";
    }

    private string StemsText()
    {
        var stems = new List<string>(Stems.Count);
        foreach (var (stem, value) in Stems) stems.Add($"{stem}={value}");
        return string.Join(", ", stems);
    }

    private static bool IsIdentifier(string name) =>
        name.Length > 0 && (char.IsLetter(name[0]) || name[0] == '_') && name.All(c => char.IsLetterOrDigit(c) || c == '_');
}
