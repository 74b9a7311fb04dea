// Finds the definitions of a C++ function by name in a source text and returns them verbatim (line breaks
// kept): from the start of the declaration to the brace that closes the body. A light scanner, not a parser:
// it skips comments and literals when matching braces, and takes `NAME(...)` followed by `{` (after
// qualifiers such as const, noexcept, override, -> type) at statement level for a definition.
using System.Text.RegularExpressions;

namespace Dijitso.Commands;

public static class FunctionFinder
{
    public static IEnumerable<(int Line, string Text)> Definitions(string source, string name, bool noBody)
    {
        var results = new List<(int, string)>();
        var re = new Regex(@"(?<![\w:.>])" + Regex.Escape(name) + @"\s*\(", RegexOptions.CultureInvariant);
        bool[] code = CodeMask(source);
        foreach (Match m in re.Matches(source))
        {
            if (!code[m.Index]) continue;
            int open = m.Index + m.Length - 1;
            int close = Matching(source, code, open, '(', ')');
            if (close < 0) continue;
            int brace = BodyStart(source, code, close + 1);
            if (brace < 0) continue;
            int start = DeclarationStart(source, code, m.Index);
            if (start < 0) continue;
            int line = 1 + source.AsSpan(0, start).Count('\n');
            if (noBody)
            {
                results.Add((line, source[start..brace].TrimEnd()));
                continue;
            }
            int end = Matching(source, code, brace, '{', '}');
            if (end < 0) continue;
            results.Add((line, source[start..(end + 1)]));
        }
        return results;
    }

    /// <summary>True for characters of code, false inside comments, string and character literals.</summary>
    private static bool[] CodeMask(string s)
    {
        var mask = new bool[s.Length + 1];
        int i = 0;
        while (i < s.Length)
        {
            if (s[i] == '/' && i + 1 < s.Length && s[i + 1] == '/')
            {
                while (i < s.Length && s[i] != '\n') i++;
            }
            else if (s[i] == '/' && i + 1 < s.Length && s[i + 1] == '*')
            {
                int end = s.IndexOf("*/", i + 2, StringComparison.Ordinal);
                i = end < 0 ? s.Length : end + 2;
            }
            else if (s[i] == '"' || s[i] == '\'')
            {
                char quote = s[i++];
                while (i < s.Length && s[i] != quote && s[i] != '\n') i += s[i] == '\\' ? 2 : 1;
                i++;
            }
            else mask[i++] = true;
        }
        return mask;
    }

    private static int Matching(string s, bool[] code, int open, char o, char c)
    {
        int depth = 0;
        for (int i = open; i < s.Length; i++)
        {
            if (!code[i]) continue;
            if (s[i] == o) depth++;
            else if (s[i] == c && --depth == 0) return i;
        }
        return -1;
    }

    /// <summary>The `{` opening the body after the parameter list, or -1 for a declaration or a call.</summary>
    private static int BodyStart(string s, bool[] code, int from)
    {
        int parens = 0;
        for (int i = from; i < s.Length; i++)
        {
            if (!code[i]) continue;
            char ch = s[i];
            if (ch == '(') parens++;
            else if (ch == ')') parens--;
            else if (parens == 0 && ch == '{') return i;
            else if (parens == 0 && ch is ';' or '}' or '=') return -1;
            else if (parens < 0) return -1;
        }
        return -1;
    }

    /// <summary>The beginning of the line where the declaration starts (after the previous statement, block
    /// or preprocessor line), or -1 when NAME is inside an expression (a call).</summary>
    private static int DeclarationStart(string s, bool[] code, int nameAt)
    {
        int i = nameAt - 1;
        for (; i >= 0; i--)
        {
            if (!code[i]) continue;
            char ch = s[i];
            if (ch is ';' or '{' or '}') break;
            if (ch is '(' or '=' or ',') return -1;
            if (ch == '\n' && i + 1 < s.Length && s[i + 1] == '#') break;
            if (ch == '#' && (i == 0 || s[i - 1] == '\n'))
            {
                // A preprocessor line before: the declaration starts after its end.
                i = s.IndexOf('\n', i);
                break;
            }
        }
        int start = i + 1;
        // Skip blank lines and comments between the previous statement and the declaration.
        while (start < nameAt && (char.IsWhiteSpace(s[start]) || !code[start])) start++;
        string between = s[start..nameAt];
        if (Regex.IsMatch(between, @"\breturn\b|[=(]")) return -1;
        int lineStart = s.LastIndexOf('\n', Math.Max(0, start - 1)) + 1;
        if (start == 0) lineStart = 0;
        return lineStart;
    }
}
