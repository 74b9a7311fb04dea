// A rule as the engine sees it, built from the reader's JSON: patterns compiled to .NET regexes, flags parsed,
// and the signature of what makes its jobs stale when it changes.
using System.Text;
using Lmake.Common;
using Lmake.Common.Checksums;

namespace Lmake.Server.Rules;

public enum RuleKind { Plain, Alias, Anti, Source }

public sealed class Rule
{
    public string Name { get; }
    public RuleKind Kind { get; }
    public double Prio { get; }
    public bool IsPython { get; }
    /// <summary>Where the class is defined, for messages ("Lmakefile.py:12").</summary>
    public string File { get; }
    public int Line { get; }
    /// <summary>Position in <see cref="Makefiles.Rules"/> (definition order).</summary>
    public int Index { get; }
    /// <summary>Stem name to regexpr, as written (Python syntax).</summary>
    public IReadOnlyDictionary<string, string> Stems { get; }
    public IReadOnlySet<string> StarStems { get; }
    public IReadOnlyList<TargetSpec> Targets { get; }
    public IReadOnlyList<DepSpec> Deps { get; }
    public Template JobName { get; }
    /// <summary>The cmd as written (shell: the f-strings of the class chain joined by newlines; python: the
    /// script by value). <see cref="CmdTemplate"/> is null when the python helper must evaluate it.</summary>
    public string CmdText { get; }
    public Template? CmdTemplate { get; }
    /// <summary>The attributes computed per job by the python helper ("deps", "cmd", "timeout"...).</summary>
    public IReadOnlySet<string> Dynamic { get; }
    /// <summary>A hash of what makes a job of this rule stale when it changes: cmd, shell/python, environ, kind.</summary>
    public string CmdSignature { get; }
    /// <summary>CmdSignature hashed: what a job remembers of the rule it ran with (never 0: 0 is "never ran").</summary>
    public ulong SignatureHash { get; }

    internal AttrsDocument Attrs { get; }
    /// <summary>The stems' regexprs translated to .NET syntax.</summary>
    internal IReadOnlyDictionary<string, string> DotNetStems { get; }

    /// <summary>Deps with a star stem (side_deps = {'A': ('a{*:.*}', 'Ignore')}).</summary>
    public IReadOnlyList<StarDepSpec> StarDeps { get; }

    /// <summary>What its jobs' plans share (PartialPlan.Finish).</summary>
    internal SharedPlanValues Shared { get; } = new();

    public bool IsSpecial => Kind is RuleKind.Anti or RuleKind.Source;
    public string Location => $"{File}:{Line}";

    internal Rule(RuleDocument doc, int index)
    {
        Name = doc.Name;
        File = doc.File;
        Line = doc.Line;
        Index = index;
        Kind = doc.Kind switch
        {
            "plain" => RuleKind.Plain, "alias" => RuleKind.Alias, "anti" => RuleKind.Anti, "source" => RuleKind.Source,
            _ => throw Error($"unknown rule kind {doc.Kind}"),
        };
        Prio = doc.Prio;
        IsPython = doc.IsPython;
        Stems = doc.Stems;
        StarStems = new HashSet<string>(doc.StarStems, StringComparer.Ordinal);
        var dotNetStems = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (stem, regexpr) in doc.Stems)
        {
            try { dotNetStems[stem] = PythonRegex.ToDotNet(regexpr); }
            catch (FormatException e) { throw Error($"bad regexpr for stem {stem} '{regexpr}': {e.Message}"); }
        }
        DotNetStems = dotNetStems;
        var targets = new List<TargetSpec>();
        foreach (TargetDocument t in doc.Targets)
        {
            try
            {
                targets.Add(new TargetSpec(t.Key, new Template(t.Parts), FlagNames.ParseTargetFlags(t.Flags, "target", t.Key),
                    t.Star, t.Side, t.Stdout, dotNetStems));
            }
            catch (ArgumentException e) { throw Error($"target {t.Key}: bad regexpr: {e.Message}"); }
            catch (LmakefileException e) { throw Error(e.Message); }
        }
        Targets = targets;
        var deps = new List<DepSpec>();
        foreach (DepDocument d in doc.Deps)
        {
            Template? native = d.Parts == null ? null : new Template(d.Parts);
            // a dep written without a name in it: its text is its one part, one string for both (the reader's document
            // had two alike)
            string? text = native is { IsLiteral: true } && native.Parts[0] == d.Template ? native.Parts[0] : d.Template;
            deps.Add(new DepSpec(d.Key, text, native, FlagNames.ParseDepFlags(d.Flags, "dep", d.Key), d.Side, d.Stdin));
        }
        Deps = deps;
        var starDeps = new List<StarDepSpec>();
        foreach (TargetDocument d in doc.StarDeps)
            starDeps.Add(new StarDepSpec(d.Key, new Template(d.Parts), FlagNames.ParseDepFlags(d.Flags, "dep", d.Key)));
        StarDeps = starDeps;
        JobName = new Template(doc.JobName.Count > 0 ? doc.JobName : [""]);
        CmdText = doc.Cmd.Text;
        CmdTemplate = doc.Cmd.Parts == null ? null : new Template(doc.Cmd.Parts);
        Dynamic = new HashSet<string>(doc.Dynamic, StringComparer.Ordinal);
        Attrs = doc.Attrs;
        CmdSignature = Signature(doc);
        SignatureHash = XxHash.Xxh3_64(Encoding.UTF8.GetBytes(CmdSignature)) | 1;
    }

    /// <summary>Can this rule have a job of this name (star stems shown as {Stem*})? False once the Lmakefile
    /// changed the rule's targets or stems so that the job is gone.</summary>
    public bool CanHaveJob(string jobName)
    {
        _jobNameRegex ??= TargetSpec.BuildRegex(JobName, DotNetStems,
            StarStems.ToDictionary(s => s, s => "{" + Template.StarStemShown(s) + "*}", StringComparer.Ordinal));
        return _jobNameRegex.IsMatch(jobName);
    }

    private System.Text.RegularExpressions.Regex? _jobNameRegex;

    private LmakefileException Error(string message) => new($"{File}:{Line}: rule {Name}: {message}");

    private static string Signature(RuleDocument doc)
    {
        StringBuilder sb = t_signature ??= new StringBuilder(4096);
        sb.Clear();
        // the cmd as the job runs it: with the values of the Lmakefile's constants it names ('echo {step}' with
        // step = 2 is 'echo 2' in its parts), so that editing what a cmd refers to reruns its jobs
        sb.Append(doc.Kind).Append('\0').Append(doc.IsPython).Append('\0');
        if (doc.Cmd.Parts is { } parts) foreach (string p in parts) sb.Append(p).Append('\x02');
        else sb.Append(doc.Cmd.Text);
        sb.Append('\0');
        AttrsDocument a = doc.Attrs;
        foreach (string s in a.Shell ?? []) sb.Append(s).Append('\x01');
        sb.Append('\0');
        if (doc.IsPython) foreach (string s in a.Python ?? []) sb.Append(s).Append('\x01');
        sb.Append('\0');
        AppendDict(sb, a.Environ);
        AppendDict(sb, a.EnvironResources);
        // (autodep is not there: how accesses are tracked does not change what the job computes, a rule that moves
        // from ld_preload to ptrace keeps its jobs)
        // how the job is run: a job that failed for want of a dir runs again once auto_mkdir is on
        sb.Append(a.AutoMkdir).Append('\0');
        foreach (DepDocument d in doc.Deps) sb.Append(d.Key).Append('=').Append(d.Template).Append('\x01');
        // the targets and their flags: a target made phony, incremental or optional changes what the job leaves
        foreach (TargetDocument t in doc.Targets)
            sb.Append(t.Key).Append('=').AppendJoin('\x02', t.Parts).Append(t.Star ? "*" : "").Append(t.Side ? "s" : "")
              .Append(':').AppendJoin(',', t.Flags).Append('\x01');
        foreach (string d in doc.Dynamic) sb.Append(d).Append('\x01');
        // where the job runs (namespaces.md: chroot_dir stands for the whole system, a new value reruns the jobs);
        // nothing added for a rule without any, so that its jobs' signatures stay what they were
        if (a.Namespace is { } ns)
        {
            static string Parts(List<string>? p) => p is null ? "" : string.Join("\x02", p);
            sb.Append("ns\0").Append(Parts(ns.RepoView)).Append('\x01').Append(Parts(ns.TmpView)).Append('\x01')
              .Append(Parts(ns.LmakeView)).Append('\x01').Append(Parts(ns.ChrootDir)).Append('\x01');
            if (ns.ChrootActions is { Count: > 0 } actions) sb.Append("chroot_actions=").Append(string.Join(",", actions)).Append('\x01');
            foreach (ViewDocument v in ns.Views ?? [])
                sb.Append(Parts(v.View)).Append('=').Append(Parts(v.Bind)).Append('|').Append(Parts(v.Upper)).Append('|')
                  .Append(string.Join("\x03", (v.Lower ?? []).Select(Parts))).Append('|')
                  .Append(string.Join("\x03", (v.CopyUp ?? []).Select(Parts))).Append('\x01');
        }
        string signature = Utf8Hash(sb).ToString("x16");
        if (sb.Capacity > KeptSignatureCapacity) t_signature = null;
        return signature;
    }

    // The text hashed is built and encoded in buffers kept per thread: a rule with a hundred deps and a long cmd made
    // tens of kilobytes of builder chunks, text and bytes, and a new server compiles every rule before its first
    // request (issue 18), on memory touched for the first time.
    [ThreadStatic] private static StringBuilder? t_signature;
    [ThreadStatic] private static char[]? t_chars;
    [ThreadStatic] private static byte[]? t_bytes;
    private const int KeptSignatureCapacity = 1 << 20;

    /// <summary>XXH3-64 of the UTF-8 of <paramref name="sb"/>'s text (the same bytes as Encoding.UTF8.GetBytes of it).</summary>
    private static ulong Utf8Hash(StringBuilder sb)
    {
        int length = sb.Length;
        char[] chars = t_chars is { } c && c.Length >= length ? c : new char[Math.Max(length, 4096)];
        sb.CopyTo(0, chars, 0, length);
        int most = Encoding.UTF8.GetMaxByteCount(length);
        byte[] bytes = t_bytes is { } b && b.Length >= most ? b : new byte[Math.Max(most, 4096)];
        int count = Encoding.UTF8.GetBytes(chars, 0, length, bytes, 0);
        ulong hash = XxHash.Xxh3_64(bytes.AsSpan(0, count));
        if (chars.Length <= KeptSignatureCapacity) t_chars = chars;
        if (bytes.Length <= 3 * KeptSignatureCapacity) t_bytes = bytes;
        return hash;
    }

    private static void AppendDict(StringBuilder sb, Dictionary<string, List<string>>? d)
    {
        if (d != null)
            foreach (var (k, v) in d.OrderBy(kv => kv.Key, StringComparer.Ordinal))
                sb.Append(k).Append('=').Append(string.Join("\x02", v)).Append('\x01');
        sb.Append('\0');
    }

    /// <summary>Its jobs' plans are a function of their match alone (nothing computed per job by the python helper):
    /// made when needed and let go after (JobShape), rather than kept per job.</summary>
    public bool PlansNatively => Dynamic.Count == 0;

    /// <summary>What plans its jobs (set by the RuleEvaluator built on its rules): a plan let go is made again there.</summary>
    internal RuleEvaluator? Evaluator { get; set; }

    /// <summary>Its static deps that are deps (side deps left out), in order: a plan's StaticDeps, for a rule planned natively.</summary>
    public DepSpec[] NativeStaticDeps => _nativeStaticDeps ??= Deps.Where(d => !d.IsSide).ToArray();
    private DepSpec[]? _nativeStaticDeps;

    /// <summary>Its targets without a star stem, in order: a plan's Targets.</summary>
    public TargetSpec[] StaticTargets => _staticTargets ??= Targets.Where(t => !t.IsStar).ToArray();
    private TargetSpec[]? _staticTargets;

    public override string ToString() => Name;
}
