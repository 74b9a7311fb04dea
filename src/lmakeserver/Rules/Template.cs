// An f-string or a pattern cut by the reader into parts: literal text at even indexes, names (stems,
// targets, deps) at odd ones. Substituting plain names is done here, without Python.
using System.Text;

namespace Lmake.Server.Rules;

public sealed class Template
{
    public IReadOnlyList<string> Parts { get; }

    public Template(IReadOnlyList<string> parts)
    {
        if (parts.Count % 2 == 0) throw new ArgumentException("template parts must alternate text and names, text first and last");
        Parts = parts;
    }

    /// <summary>The names it refers to, in order (with repeats).</summary>
    public IEnumerable<string> Names { get { for (int i = 1; i < Parts.Count; i += 2) yield return Parts[i]; } }

    public bool IsLiteral => Parts.Count == 1;

    /// <summary>The text with each name replaced by <paramref name="lookup"/>(name); a null lookup result
    /// leaves {name} as written.</summary>
    public string Expand(Func<string, string?> lookup)
    {
        if (Parts.Count == 1) return Parts[0];
        var sb = new StringBuilder();
        for (int i = 0; i < Parts.Count; i++)
        {
            if (i % 2 == 0) { sb.Append(Parts[i]); continue; }
            sb.Append(lookup(Parts[i]) ?? "{" + Parts[i] + "}");
        }
        return sb.ToString();
    }

    public string Expand(IReadOnlyDictionary<string, string> values) =>
        Expand(n => values.TryGetValue(n, out string? v) ? v : null);

    /// <summary>As a user writes it: names in braces (star stems with a '*'), literal braces doubled.</summary>
    public string ToPattern(ISet<string>? starStems = null)
    {
        var sb = new StringBuilder();
        for (int i = 0; i < Parts.Count; i++)
        {
            if (i % 2 == 0) sb.Append(Parts[i].Replace("{", "{{").Replace("}", "}}"));
            else sb.Append('{').Append(Parts[i]).Append(starStems != null && starStems.Contains(Parts[i]) ? "*" : "").Append('}');
        }
        return sb.ToString();
    }

    public override string ToString() => ToPattern();
}
