// An f-string or a pattern cut by the reader into parts: literal text at even indexes, names (stems,
// targets, deps) at odd ones. Substituting plain names is done here, without Python.
using System.Text;

namespace Lmake.Server.Rules;

public sealed class Template
{
    public IReadOnlyList<string> Parts => _parts;
    // (an array of the exact size: the reader's lists, kept as they came, held room for four parts and a list around
    // them, 64 bytes more a template, and a rule with a hundred static deps has a hundred templates)
    private readonly string[] _parts;

    public Template(IReadOnlyList<string> parts)
    {
        if (parts.Count % 2 == 0) throw new ArgumentException("template parts must alternate text and names, text first and last");
        _parts = [.. parts];
    }

    /// <summary>The names it refers to, in order (with repeats).</summary>
    public IEnumerable<string> Names { get { for (int i = 1; i < _parts.Length; i += 2) yield return _parts[i]; } }

    public bool IsLiteral => _parts.Length == 1;

    /// <summary>The text with each name replaced by <paramref name="lookup"/>(name); a null lookup result
    /// leaves {name} as written.</summary>
    public string Expand(Func<string, string?> lookup)
    {
        if (_parts.Length == 1) return _parts[0];
        StringBuilder sb = TakeBuilder();
        for (int i = 0; i < _parts.Length; i++)
        {
            if (i % 2 == 0) { sb.Append(_parts[i]); continue; }
            if (lookup(_parts[i]) is string value) sb.Append(value);
            else sb.Append('{').Append(_parts[i]).Append('}');
        }
        return Release(sb);
    }

    public string Expand(IReadOnlyDictionary<string, string> values) => Expand(values, "}");

    /// <summary>The text with each stem replaced by its value; a stem without one (a star stem) is shown
    /// as {Stem*}, as in job names and star target patterns.</summary>
    public string ExpandStems(IReadOnlyDictionary<string, string> stems) => Expand(stems, "*}");

    /// <summary>Is <paramref name="text"/> what <see cref="ExpandStems"/> makes of these stems? Answered without making
    /// it: a no-op asks it of every job's targets.</summary>
    public bool IsExpansion(ReadOnlySpan<char> text, IReadOnlyDictionary<string, string> stems)
    {
        for (int i = 0; i < _parts.Length; i++)
        {
            ReadOnlySpan<char> part = _parts[i];
            if (i % 2 == 1)
            {
                if (!stems.TryGetValue(_parts[i], out string? value))
                {
                    // shown as {Stem*}
                    if (!text.StartsWith("{") || !text[1..].StartsWith(part) || !text[(1 + part.Length)..].StartsWith("*}")) return false;
                    text = text[(part.Length + 3)..];
                    continue;
                }
                part = value;
            }
            if (!text.StartsWith(part, StringComparison.Ordinal)) return false;
            text = text[part.Length..];
        }
        return text.IsEmpty;
    }

    /// <summary>The reader's name for a stem the user left unnamed ({*:regexpr}, {:regexpr}).</summary>
    public const string UnnamedPrefix = "_lmake_stem";

    /// <summary>A job's name as users see it: each star stem as they wrote it, {Stem*}, or {*} when unnamed.</summary>
    public string ExpandJobName(IReadOnlyDictionary<string, string> stems)
    {
        if (_parts.Length == 1) return _parts[0];
        StringBuilder sb = TakeBuilder();
        for (int i = 0; i < _parts.Length; i++)
        {
            if (i % 2 == 0) { sb.Append(_parts[i]); continue; }
            if (stems.TryGetValue(_parts[i], out string? value)) sb.Append(value);
            else sb.Append('{').Append(StarStemShown(_parts[i])).Append("*}");
        }
        return Release(sb);
    }

    /// <summary>How a star stem is shown in a job name: its name, nothing when the user gave it none.</summary>
    public static string StarStemShown(string stem) => stem.StartsWith(UnnamedPrefix, StringComparison.Ordinal) ? "" : stem;

    /// <summary>Each name replaced by its value; one without a value is left as {name then <paramref name="unknownEnd"/>.</summary>
    private string Expand(IReadOnlyDictionary<string, string> values, string unknownEnd)
    {
        if (_parts.Length == 1) return _parts[0];
        StringBuilder sb = TakeBuilder();
        for (int i = 0; i < _parts.Length; i++)
        {
            if (i % 2 == 0) { sb.Append(_parts[i]); continue; }
            if (values.TryGetValue(_parts[i], out string? value)) sb.Append(value);
            else sb.Append('{').Append(_parts[i]).Append(unknownEnd);
        }
        return Release(sb);
    }

    // One builder per thread, reused: a new server expands the names and commands of every job it meets,
    // and a fresh builder per expansion (grown chunk by chunk) was the largest share of what it allocated.
    [ThreadStatic] private static StringBuilder? t_builder;
    private const int KeptBuilderCapacity = 4096;

    private static StringBuilder TakeBuilder()
    {
        StringBuilder? sb = t_builder;
        t_builder = null;   // an expansion inside a lookup gets a builder of its own
        return sb ?? new StringBuilder(256);
    }

    private static string Release(StringBuilder sb)
    {
        string text = sb.ToString();
        if (sb.Capacity <= KeptBuilderCapacity)
        {
            sb.Clear();
            t_builder = sb;
        }
        return text;
    }

    /// <summary>As a user writes it: names in braces (star stems with a '*'), literal braces doubled.</summary>
    public string ToPattern(ISet<string>? starStems = null)
    {
        var sb = new StringBuilder();
        for (int i = 0; i < _parts.Length; i++)
        {
            if (i % 2 == 0) sb.Append(_parts[i].Replace("{", "{{").Replace("}", "}}"));
            else sb.Append('{').Append(_parts[i]).Append(starStems != null && starStems.Contains(_parts[i]) ? "*" : "").Append('}');
        }
        return sb.ToString();
    }

    public override string ToString() => ToPattern();
}
