// The file form of a codec table (codec.md): one association a line,
//     TAB CODE TAB CONTEXT TAB VALUE NEWLINE
// where each field has backslash, newline, tab and carriage return written \\ \n \t \r (a value of several
// lines stays on one). Reading is lenient: a line that is not of this form (blank, a git conflict marker,
// anything) is dropped, so are duplicates; two codes for one value keep one (a hand-given code before a
// generated one, then the shorter, then the first in byte order); one code for two values keeps it for one (the
// value it was generated from, else the first in byte order) and gives the other a new one (a generated code is
// lengthened with more digits of its checksum, a hand-given one gets a number). Writing is strict: the canonical
// form is the lines sorted by context then code, each association once. A table read that is not in that form
// is rewritten (lmake says `reformat`).
using System.Text;

namespace Lmake.Autodep;

public static class CodecFileFormat
{
    /// <summary>The associations of the text, resolved as above, and whether the text is their canonical form.</summary>
    public static CodecEntries Parse(string text, out bool canonical)
    {
        var triples = new SortedSet<(string Context, string Code, string Value)>(TripleOrder.Instance);
        foreach (string line in text.Split('\n'))
            if (ParseLine(line) is { } t) triples.Add(t);
        // per (context, value): the preferred code; the others are dropped
        var byValue = new Dictionary<(string, string), string>();
        foreach (var (context, code, value) in triples)
            if (!byValue.TryGetValue((context, value), out string? kept) || Preferred(code, kept, value)) byValue[(context, value)] = code;
        // per (context, code): one value keeps it, the others get a new code (free in the context)
        var entries = new CodecEntries();
        var losers = new List<(string Context, string Code, string Value)>();
        // grouped and sorted by hand, not with LINQ over tuples (issue 18: executable size)
        var claims = new SortedDictionary<(string Context, string Code), List<string>>(PairOrder.Instance);
        foreach (var ((context, value), code) in byValue)
        {
            if (!claims.TryGetValue((context, code), out List<string>? values)) claims.Add((context, code), values = []);
            values.Add(value);
        }
        foreach (var ((context, code), values) in claims)
        {
            // the values the code was generated from first, then byte order (the values of a group are distinct)
            values.Sort((a, b) =>
            {
                int c = (CodecCodes.IsGenerated(code, a) ? 0 : 1) - (CodecCodes.IsGenerated(code, b) ? 0 : 1);
                return c != 0 ? c : string.CompareOrdinal(a, b);
            });
            entries.Add(context, code, values[0]);
            for (int i = 1; i < values.Count; i++) losers.Add((context, code, values[i]));
        }
        foreach (var (context, code, value) in losers)
        {
            bool Taken(string c) => entries.Decode(context, c) != null;
            string fresh = CodecCodes.IsGenerated(code, value) ? CodecCodes.NewCode(value, code.Length + 1, Taken) : CodecCodes.Renumber(code, Taken);
            entries.Add(context, fresh, value);
        }
        canonical = Format(entries) == text;
        return entries;
    }

    /// <summary>The canonical text of the associations.</summary>
    public static string Format(CodecEntries entries)
    {
        var sb = new StringBuilder();
        foreach (var (context, code, value) in entries.All) AppendLine(sb, context, code, value);
        return sb.ToString();
    }

    /// <summary>One association as its line (with its newline).</summary>
    public static string Line(string context, string code, string value) => AppendLine(new StringBuilder(), context, code, value).ToString();

    private static StringBuilder AppendLine(StringBuilder sb, string context, string code, string value)
    {
        sb.Append('\t');
        Escape(sb, code);
        sb.Append('\t');
        Escape(sb, context);
        sb.Append('\t');
        Escape(sb, value);
        return sb.Append('\n');
    }

    /// <summary>The association of a line, or null when the line is not one (it is then dropped).</summary>
    private static (string, string, string)? ParseLine(string line)
    {
        if (line.Length == 0 || line[0] != '\t') return null;
        int t1 = line.IndexOf('\t', 1);
        int t2 = t1 < 0 ? -1 : line.IndexOf('\t', t1 + 1);
        if (t2 < 0 || line.IndexOf('\t', t2 + 1) >= 0) return null;
        string? code = Unescape(line.AsSpan(1, t1 - 1)), context = Unescape(line.AsSpan(t1 + 1, t2 - t1 - 1)), value = Unescape(line.AsSpan(t2 + 1));
        if (code is null || context is null || value is null) return null;
        if (CodecCodes.BadCode(code) != null || CodecCodes.BadContext(context) != null) return null;
        return (context, code, value);
    }

    /// <summary>Of two codes for one value, is <paramref name="code"/> the one to keep rather than <paramref name="other"/>?</summary>
    private static bool Preferred(string code, string other, string value)
    {
        bool byHand = !CodecCodes.IsGenerated(code, value), otherByHand = !CodecCodes.IsGenerated(other, value);
        if (byHand != otherByHand) return byHand;
        if (code.Length != other.Length) return code.Length < other.Length;
        return string.CompareOrdinal(code, other) < 0;
    }

    private static void Escape(StringBuilder sb, string field)
    {
        foreach (char ch in field)
            switch (ch)
            {
                case '\\': sb.Append(@"\\"); break;
                case '\n': sb.Append(@"\n"); break;
                case '\t': sb.Append(@"\t"); break;
                case '\r': sb.Append(@"\r"); break;
                default: sb.Append(ch); break;
            }
    }

    /// <summary>The field with its escapes undone; null when it holds a raw carriage return or a lone or unknown
    /// escape (not a line lmake wrote, nor one a person would: dropped).</summary>
    private static string? Unescape(ReadOnlySpan<char> text)
    {
        if (text.IndexOfAny('\\', '\r') < 0) return text.ToString();
        var sb = new StringBuilder(text.Length);
        for (int i = 0; i < text.Length; i++)
        {
            char ch = text[i];
            if (ch == '\r') return null;
            if (ch != '\\') { sb.Append(ch); continue; }
            if (++i == text.Length) return null;
            switch (text[i])
            {
                case 'n': sb.Append('\n'); break;
                case 't': sb.Append('\t'); break;
                case 'r': sb.Append('\r'); break;
                case '\\': sb.Append('\\'); break;
                default: return null;
            }
        }
        return sb.ToString();
    }

    private sealed class TripleOrder : IComparer<(string, string, string)>
    {
        public static readonly TripleOrder Instance = new();
        public int Compare((string, string, string) x, (string, string, string) y)
        {
            int c = string.CompareOrdinal(x.Item1, y.Item1);
            if (c == 0) c = string.CompareOrdinal(x.Item2, y.Item2);
            return c != 0 ? c : string.CompareOrdinal(x.Item3, y.Item3);
        }
    }

    internal sealed class PairOrder : IComparer<(string, string)>
    {
        public static readonly PairOrder Instance = new();
        public int Compare((string, string) x, (string, string) y)
        {
            int c = string.CompareOrdinal(x.Item1, y.Item1);
            return c != 0 ? c : string.CompareOrdinal(x.Item2, y.Item2);
        }
    }
}
