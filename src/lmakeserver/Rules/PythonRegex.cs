// Python `re` syntax to .NET Regex syntax, for the regexprs of stems. Most of the syntax is shared; what
// differs is rewritten, and what has no .NET equivalent is refused with a message naming the construct.
using System.Text;

namespace Lmake.Server.Rules;

public static class PythonRegex
{
    /// <summary>The .NET form of a Python regexpr; throws <see cref="FormatException"/> for what cannot be translated.</summary>
    public static string ToDotNet(string python)
    {
        var sb = new StringBuilder(python.Length + 8);
        bool inClass = false;
        int i = 0;
        while (i < python.Length)
        {
            char c = python[i];
            if (c == '\\')
            {
                if (i + 1 >= python.Length) throw new FormatException("regexpr ends with a lone backslash");
                char e = python[i + 1];
                switch (e)
                {
                    case 'Z': sb.Append(inClass ? "Z" : @"\z"); break;
                    case 'N': throw new FormatException(@"\N{...} (a named character) is not supported");
                    case 'U':
                        if (i + 10 > python.Length) throw new FormatException(@"\U needs 8 hex digits");
                        int cp = Convert.ToInt32(python.Substring(i + 2, 8), 16);
                        foreach (char u in char.ConvertFromUtf32(cp)) sb.Append($@"\u{(int)u:x4}");
                        i += 10; continue;
                    case >= '1' and <= '9' when !inClass:
                        throw new FormatException($@"numeric backreference \{e} is not supported: name the group (?P<name>...) and use (?P=name)");
                    case '0': sb.Append(@"\0"); break;
                    default: sb.Append('\\').Append(e); break;
                }
                i += 2;
                continue;
            }
            if (inClass)
            {
                if (c == ']' ) { inClass = false; sb.Append(c); i++; continue; }
                if (c == '[') { sb.Append(@"\["); i++; continue; }     // .NET reads -[ as class subtraction
                sb.Append(c); i++;
                continue;
            }
            switch (c)
            {
                case '[':
                    inClass = true;
                    sb.Append('[');
                    i++;
                    if (i < python.Length && python[i] == '^') { sb.Append('^'); i++; }
                    if (i < python.Length && python[i] == ']') { sb.Append(@"\]"); i++; }  // a leading ] is literal in Python
                    continue;
                case '(' when Next(python, i, "(?P<"):
                    sb.Append("(?<"); i += 4; continue;
                case '(' when Next(python, i, "(?P="):
                {
                    int close = python.IndexOf(')', i);
                    if (close < 0) throw new FormatException("unterminated (?P=name)");
                    sb.Append(@"\k<").Append(python, i + 4, close - i - 4).Append('>');
                    i = close + 1;
                    continue;
                }
                case '(' when Next(python, i, "(?") && i + 2 < python.Length && char.IsLetter(python[i + 2]):
                {
                    // inline flags (?aiLmsux) or (?flags:...) / (?flags-flags:...)
                    int j = i + 2;
                    var flags = new StringBuilder();
                    while (j < python.Length && (char.IsLetter(python[j]) || python[j] == '-')) flags.Append(python[j++]);
                    string f = flags.ToString();
                    if (f.Contains('a')) throw new FormatException("the ASCII flag (?a) is not supported");
                    if (f.Contains('L')) throw new FormatException("the locale flag (?L) is not supported");
                    f = f.Replace("u", "");
                    if (f.Length == 0 || f == "-") sb.Append(j < python.Length && python[j] == ':' ? "(?" : "(?:");
                    else sb.Append("(?").Append(f);
                    if (f.Length == 0 && j < python.Length && python[j] == ')') { sb.Length -= 3; i = j + 1; continue; }
                    i = j;
                    continue;
                }
                case '{':
                {
                    // {,n} means {0,n} in Python, a literal in .NET
                    int close = python.IndexOf('}', i);
                    if (close > i + 1 && python[i + 1] == ',' && IsDigits(python, i + 2, close))
                    {
                        sb.Append("{0").Append(python, i + 1, close - i);
                        i = close + 1;
                        continue;
                    }
                    sb.Append(c); i++;
                    continue;
                }
                default:
                    sb.Append(c); i++;
                    continue;
            }
        }
        if (inClass) throw new FormatException("unterminated character set [");
        return sb.ToString();
    }

    private static bool Next(string s, int i, string what) => string.CompareOrdinal(s, i, what, 0, what.Length) == 0;

    private static bool IsDigits(string s, int from, int to)
    {
        if (from >= to) return false;
        for (int k = from; k < to; k++) if (!char.IsAsciiDigit(s[k])) return false;
        return true;
    }
}
