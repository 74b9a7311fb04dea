// One target of a rule: its pattern, its flags, and the .NET regex that recognizes the files it names.
using System.Text;
using System.Text.RegularExpressions;

namespace Lmake.Server.Rules;

public sealed class TargetSpec
{
    public string Key { get; }
    public Template Pattern { get; }
    public TargetFlags Flags { get; }
    public bool IsStar { get; }
    public bool IsSide { get; }                 // a side target: claimed by the job, never used to choose it
    public bool IsStdout { get; }               // `target =`: receives the job's stdout
    /// <summary>Matches a whole file name; a group per stem. Built when first needed if the stems are simple
    /// (see SimpleStems): such a pattern is always a valid regex, and is matched without it.</summary>
    public Regex Regex => _regex ??= BuildRegex(Pattern, _dotNetStems, fixedStems: null);
    private Regex? _regex;
    private readonly IReadOnlyDictionary<string, string> _dotNetStems;
    /// <summary>The fixed text before the first stem and after the last one (the whole name when there is no stem).</summary>
    public string Prefix { get; }
    public string Suffix { get; }

    internal TargetSpec(string key, Template pattern, TargetFlags flags, bool isStar, bool isSide, bool isStdout,
        IReadOnlyDictionary<string, string> dotNetStems)
    {
        Key = key; Pattern = pattern; Flags = flags; IsStar = isStar; IsSide = isSide; IsStdout = isStdout;
        Prefix = pattern.Parts[0];
        Suffix = pattern.Parts.Count == 1 ? "" : pattern.Parts[^1];
        _dotNetStems = dotNetStems;
        _simpleStems = SimpleStems(pattern, dotNetStems);
        // other regexprs are checked now, when the Lmakefile is read: a bad one is an error of the Lmakefile
        if (_simpleStems == null) _regex = BuildRegex(pattern, dotNetStems, fixedStems: null);
    }

    public bool HasStems => Pattern.Parts.Count > 1;

    /// <summary>The stems when <paramref name="name"/> is one of the files this target names, else null.</summary>
    public IReadOnlyDictionary<string, string>? Match(string name)
    {
        if (!name.StartsWith(Prefix, StringComparison.Ordinal) || !name.EndsWith(Suffix, StringComparison.Ordinal)
            || name.Length < Prefix.Length + Suffix.Length) return null;
        if (_simpleStems != null) return MatchSimple(name);
        Match m = Regex.Match(name);
        if (!m.Success) return null;
        var stems = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string stem in Pattern.Names) stems[stem] = m.Groups[stem].Value;
        return stems;
    }

    // The most common patterns ('{File:.*}.o', '{Dir:.+}/{Base:[^/]+}.o') are fixed text and stems of a few
    // regexprs, each stem once: they are matched here, with the regex's own greedy choices, without running
    // the regex (a regex match allocated more than the rest of a job's resolution by a new server).
    private enum StemClass : byte { AnyText, NoSlash }   // '.': anything but a newline; '[^/]': anything but a slash

    private readonly record struct SimpleStem(StemClass Class, int MinLength);

    private readonly SimpleStem[]? _simpleStems;   // null: the regex decides
    private string[]? _stemNames;                  // of _simpleStems, in their order (each stem once)

    private static SimpleStem[]? SimpleStems(Template pattern, IReadOnlyDictionary<string, string> dotNetStems)
    {
        var stems = new SimpleStem[pattern.Parts.Count / 2];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < stems.Length; i++)
        {
            string name = pattern.Parts[2 * i + 1];
            if (!seen.Add(name) || !dotNetStems.TryGetValue(name, out string? regexpr)) return null;   // a repeated stem: a back reference
            SimpleStem? simple = regexpr switch
            {
                ".*" => new SimpleStem(StemClass.AnyText, 0),
                ".+" => new SimpleStem(StemClass.AnyText, 1),
                "[^/]*" => new SimpleStem(StemClass.NoSlash, 0),
                "[^/]+" => new SimpleStem(StemClass.NoSlash, 1),
                _ => null,
            };
            if (simple is not SimpleStem known) return null;
            stems[i] = known;
        }
        return stems;
    }

    private StemValues? MatchSimple(string name)
    {
        SimpleStem[] stems = _simpleStems!;
        Span<int> starts = stackalloc int[stems.Length];
        Span<int> ends = stackalloc int[stems.Length];
        if (!MatchStems(name, 0, Prefix.Length, starts, ends)) return null;
        var values = new string[stems.Length];
        for (int i = 0; i < stems.Length; i++) values[i] = name[starts[i]..ends[i]];
        return new StemValues(_stemNames ??= Pattern.Names.ToArray(), values);
    }

    /// <summary>Stem <paramref name="k"/> and what follows, from <paramref name="at"/>: each stem as long as
    /// it can be first, then shorter, as a regex backtracks (so the stems are the ones the regex gives).</summary>
    private bool MatchStems(string name, int k, int at, Span<int> starts, Span<int> ends)
    {
        if (k == _simpleStems!.Length) return at == name.Length;
        SimpleStem stem = _simpleStems[k];
        string after = Pattern.Parts[2 * k + 2];
        bool last = k == _simpleStems.Length - 1;
        int longest = 0;
        char excluded = stem.Class == StemClass.AnyText ? '\n' : '/';
        while (at + longest < name.Length && name[at + longest] != excluded) longest++;
        for (int len = longest; len >= stem.MinLength; len--)
        {
            int end = at + len;
            if (last ? name.Length - end != after.Length : name.Length - end < after.Length) continue;
            if (!name.AsSpan(end).StartsWith(after, StringComparison.Ordinal)) continue;
            if (!MatchStems(name, k + 1, end + after.Length, starts, ends)) continue;
            starts[k] = at;
            ends[k] = end;
            return true;
        }
        return false;
    }

    /// <summary>A regex for the pattern, with the stems of <paramref name="fixedStems"/> replaced by their values.</summary>
    internal static Regex BuildRegex(Template pattern, IReadOnlyDictionary<string, string> dotNetStems,
        IReadOnlyDictionary<string, string>? fixedStems)
    {
        var sb = new StringBuilder(@"\A");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < pattern.Parts.Count; i++)
        {
            string part = pattern.Parts[i];
            if (i % 2 == 0) sb.Append(Regex.Escape(part));
            else if (fixedStems != null && fixedStems.TryGetValue(part, out string? value)) sb.Append(Regex.Escape(value));
            else if (!seen.Add(part)) sb.Append(@"\k<").Append(part).Append('>');
            else sb.Append("(?<").Append(part).Append(">(?:").Append(dotNetStems[part]).Append("))");
        }
        sb.Append(@"\z");
        return new Regex(sb.ToString(), RegexOptions.CultureInvariant);
    }
}
