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
    /// <summary>Matches a whole file name; a group per stem.</summary>
    public Regex Regex { get; }
    /// <summary>The fixed text before the first stem and after the last one (the whole name when there is no stem).</summary>
    public string Prefix { get; }
    public string Suffix { get; }

    internal TargetSpec(string key, Template pattern, TargetFlags flags, bool isStar, bool isSide, bool isStdout,
        IReadOnlyDictionary<string, string> dotNetStems)
    {
        Key = key; Pattern = pattern; Flags = flags; IsStar = isStar; IsSide = isSide; IsStdout = isStdout;
        Prefix = pattern.Parts[0];
        Suffix = pattern.Parts.Count == 1 ? "" : pattern.Parts[^1];
        Regex = BuildRegex(pattern, dotNetStems, fixedStems: null);
        // The most common pattern, one stem of regexpr .* or .+ ('{File:.*}.o'), needs no regex run at all.
        if (pattern.Parts.Count == 3 && dotNetStems.TryGetValue(pattern.Parts[1], out string? only) && only is ".*" or ".+")
            _anyTextStem = only == ".*" ? 0 : 1;
    }

    private readonly int _anyTextStem = -1;       // -1: run the regex; else the minimal length of the single stem

    public bool HasStems => Pattern.Parts.Count > 1;

    /// <summary>The stems when <paramref name="name"/> is one of the files this target names, else null.</summary>
    public Dictionary<string, string>? Match(string name)
    {
        if (!name.StartsWith(Prefix, StringComparison.Ordinal) || !name.EndsWith(Suffix, StringComparison.Ordinal)
            || name.Length < Prefix.Length + Suffix.Length) return null;
        if (_anyTextStem >= 0)
        {
            int len = name.Length - Prefix.Length - Suffix.Length;
            if (len < _anyTextStem || name.AsSpan(Prefix.Length, len).Contains('\n')) return null;
            return new Dictionary<string, string>(1, StringComparer.Ordinal) { [Pattern.Parts[1]] = name.Substring(Prefix.Length, len) };
        }
        Match m = Regex.Match(name);
        if (!m.Success) return null;
        var stems = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string stem in Pattern.Names) stems[stem] = m.Groups[stem].Value;
        return stems;
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
