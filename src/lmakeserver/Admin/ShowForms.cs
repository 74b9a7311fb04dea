// Prints a ShowValue for people (aligned text), as a Python literal (lshow -p, for ast.literal_eval) or as
// JSON (--json). The porcelain and JSON forms are the stable interface for scripts (README "Admin commands").
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Lmake.Server.Admin;

public static class ShowForms
{
    // ---- plain ------------------------------------------------------------------------------------
    /// <summary>Lines for people. A dict prints `key : value` aligned; a table its columns aligned.</summary>
    public static List<string> Plain(object? value)
    {
        var lines = new List<string>();
        AppendPlain(lines, value, "");
        return lines;
    }

    private static void AppendPlain(List<string> lines, object? value, string indent)
    {
        switch (value)
        {
            case null: return;
            case ShowText t:
                foreach (string l in SplitLines(t.Text)) lines.Add(indent + l);
                return;
            case ShowTable table:
                AppendTable(lines, table, indent);
                return;
            case ShowDict dict:
            {
                int width = dict.Count == 0 ? 0 : dict.Max(kv => kv.Key.Length);
                foreach (var (k, v) in dict)
                {
                    if (v is ShowDict or ShowTable or ShowText or ShowMap or (List<object?> and not ShowTuple))
                    {
                        lines.Add($"{indent}{k.PadRight(width)} :");
                        AppendPlain(lines, v, indent + "  ");
                    }
                    else lines.Add($"{indent}{k.PadRight(width)} : {Scalar(v)}");
                }
                return;
            }
            case ShowMap map:
                foreach (var (k, v) in map)
                {
                    if (v is bool or null) { lines.Add(indent + Scalar(k)); continue; }
                    lines.Add($"{indent}{Scalar(k)} :");
                    AppendPlain(lines, v, indent + "  ");
                }
                return;
            case ShowTuple tuple:
                lines.Add(indent + Scalar(tuple));
                return;
            case List<object?> list:
                foreach (object? v in list) AppendPlain(lines, v, indent);
                return;
            default:
                lines.Add(indent + Scalar(value));
                return;
        }
    }

    private static void AppendTable(List<string> lines, ShowTable table, string indent)
    {
        if (table.Count == 0) return;
        int columns = table[0].Count;
        var widths = new int[columns];
        foreach (ShowDict row in table)
            for (int c = 0; c < columns - 1 && c < row.Count; c++) widths[c] = Math.Max(widths[c], Scalar(row[c].Value).Length);
        var sb = new StringBuilder();
        foreach (ShowDict row in table)
        {
            sb.Clear().Append(indent);
            for (int c = 0; c < row.Count; c++)
            {
                string cell = Scalar(row[c].Value);
                if (c < row.Count - 1) sb.Append(cell.PadRight(widths[c])).Append(' ');
                else sb.Append(cell);
            }
            lines.Add(sb.ToString().TrimEnd());
        }
    }

    private static string Scalar(object? v) => v switch
    {
        null => "",
        bool b => b ? "true" : "false",
        double d => d.ToString("0.000", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        ShowTuple t => string.Join(' ', t.Select(Scalar)),
        _ => v.ToString() ?? "",
    };

    private static IEnumerable<string> SplitLines(string text)
    {
        if (text.Length == 0) yield break;
        string[] parts = text.Split('\n');
        int n = text.EndsWith('\n') ? parts.Length - 1 : parts.Length;
        for (int i = 0; i < n; i++) yield return parts[i];
    }

    // ---- Python literal -----------------------------------------------------------------------------
    public static string Python(object? value)
    {
        var sb = new StringBuilder();
        AppendPython(sb, value, 0);
        return sb.ToString();
    }

    private static void AppendPython(StringBuilder sb, object? value, int depth)
    {
        string pad = new(' ', 4 * (depth + 1)), close = new(' ', 4 * depth);
        switch (value)
        {
            case null: sb.Append("None"); return;
            case bool b: sb.Append(b ? "True" : "False"); return;
            case double d: sb.Append(double.IsFinite(d) ? d.ToString("R", CultureInfo.InvariantCulture) : "None"); return;
            case int or long or uint or ulong: sb.Append(((IFormattable)value).ToString(null, CultureInfo.InvariantCulture)); return;
            case string s: PythonString(sb, s); return;
            case ShowText t: PythonString(sb, t.Text); return;
            case ShowDict dict:
                if (dict.Count == 0) { sb.Append("{}"); return; }
                sb.Append("{\n");
                foreach (var (k, v) in dict)
                {
                    sb.Append(pad);
                    PythonString(sb, k);
                    sb.Append(" : ");
                    AppendPython(sb, v, depth + 1);
                    sb.Append(",\n");
                }
                sb.Append(close).Append('}');
                return;
            case ShowMap map:
                if (map.Count == 0) { sb.Append("{}"); return; }
                sb.Append("{\n");
                foreach (var (k, v) in map)
                {
                    sb.Append(pad);
                    AppendPython(sb, k, depth + 1);
                    sb.Append(" : ");
                    AppendPython(sb, v, depth + 1);
                    sb.Append(",\n");
                }
                sb.Append(close).Append('}');
                return;
            case ShowTuple tuple:
                // one line: a tuple is one item (a dep, a job)
                sb.Append('(');
                for (int i = 0; i < tuple.Count; i++)
                {
                    if (i > 0) sb.Append(',');
                    AppendPython(sb, tuple[i], depth + 1);
                }
                sb.Append(tuple.Count == 1 ? ",)" : ")");
                return;
            case ShowSet set:
                if (set.Count == 0) { sb.Append("set()"); return; }
                sb.Append("{\n");
                foreach (object? v in set)
                {
                    sb.Append(pad);
                    AppendPython(sb, v, depth + 1);
                    sb.Append(",\n");
                }
                sb.Append(close).Append('}');
                return;
            case System.Collections.IEnumerable list:
            {
                var items = list.Cast<object?>().ToList();
                if (items.Count == 0) { sb.Append("[]"); return; }
                sb.Append("[\n");
                foreach (object? v in items)
                {
                    sb.Append(pad);
                    AppendPython(sb, v, depth + 1);
                    sb.Append(",\n");
                }
                sb.Append(close).Append(']');
                return;
            }
            default: PythonString(sb, value.ToString() ?? ""); return;
        }
    }

    /// <summary>A Python str literal: single quotes, backslash escapes for quotes, controls and backslash.</summary>
    private static void PythonString(StringBuilder sb, string s)
    {
        sb.Append('\'');
        foreach (char c in s)
        {
            switch (c)
            {
                case '\\': sb.Append("\\\\"); break;
                case '\'': sb.Append("\\'"); break;
                case '\n': sb.Append("\\n"); break;
                case '\t': sb.Append("\\t"); break;
                case '\r': sb.Append("\\r"); break;
                default:
                    if (c < 0x20 || c == 0x7f) sb.Append("\\x").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture));
                    else if (char.IsSurrogate(c)) sb.Append(c);   // pairs are copied as they are: valid UTF-8 out
                    else sb.Append(c);
                    break;
            }
        }
        sb.Append('\'');
    }

    // ---- JSON ---------------------------------------------------------------------------------------
    public static string Json(object? value)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            WriteJson(w, value);
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void WriteJson(Utf8JsonWriter w, object? value)
    {
        switch (value)
        {
            case null: w.WriteNullValue(); return;
            case bool b: w.WriteBooleanValue(b); return;
            case double d: if (double.IsFinite(d)) w.WriteNumberValue(d); else w.WriteNullValue(); return;
            case int i: w.WriteNumberValue(i); return;
            case long l: w.WriteNumberValue(l); return;
            case uint u: w.WriteNumberValue(u); return;
            case ulong ul: w.WriteNumberValue(ul); return;
            case string s: w.WriteStringValue(s); return;
            case ShowText t: w.WriteStringValue(t.Text); return;
            case ShowDict dict:
                w.WriteStartObject();
                foreach (var (k, v) in dict)
                {
                    w.WritePropertyName(k);
                    WriteJson(w, v);
                }
                w.WriteEndObject();
                return;
            case ShowMap map:
                w.WriteStartArray();
                foreach (var (k, v) in map)
                {
                    w.WriteStartArray();
                    WriteJson(w, k);
                    WriteJson(w, v);
                    w.WriteEndArray();
                }
                w.WriteEndArray();
                return;
            case System.Collections.IEnumerable list:
                w.WriteStartArray();
                foreach (object? v in list) WriteJson(w, v);
                w.WriteEndArray();
                return;
            default: w.WriteStringValue(value.ToString()); return;
        }
    }
}
