// `dijitso grep` and `dijitso grepfunction`: search the cached sources and headers, compressed or not.
using System.Text;
using System.Text.RegularExpressions;
using Dijitso.Cache;

namespace Dijitso.Commands;

public static class SourceSearch
{
    /// <summary>The searchable files: (display name SIG.cpp / SIG.h, stored path), sorted by name.</summary>
    private static IEnumerable<(string Name, string Path)> Files(CacheLayout layout, string? onlySig)
    {
        if (onlySig != null) CacheLayout.CheckSignature(onlySig);
        var files = new List<(string, string)>();
        foreach (var (sig, path) in layout.Entries("src"))
            if (onlySig == null || sig == onlySig) files.Add((sig + ".cpp", path));
        foreach (var (sig, path) in layout.Entries("inc"))
            if (onlySig == null || sig == onlySig) files.Add((sig + ".h", path));
        // One entry per name: a plain and a compressed copy of one source are one file.
        return files.GroupBy(f => f.Item1).Select(g => g.First()).OrderBy(f => f.Item1, StringComparer.Ordinal);
    }

    public static int Grep(CacheLayout layout, string pattern, bool regex, bool lineNumbers, bool count, bool filesOnly, string? onlySig)
    {
        Func<string, bool> matches;
        if (regex)
        {
            Regex re;
            try { re = new Regex(pattern, RegexOptions.CultureInvariant); }
            catch (ArgumentException e) { throw new DijitsoError(DijitsoExit.Usage, $"dijitso grep: bad --regex pattern: {e.Message}"); }
            matches = re.IsMatch;
        }
        else matches = line => line.Contains(pattern, StringComparison.Ordinal);

        var output = new StringBuilder();
        bool any = false;
        foreach (var (name, path) in Files(layout, onlySig))
        {
            string[] lines = StoredSource.ReadText(path).Split('\n');
            int n = 0;
            for (int i = 0; i < lines.Length; i++)
            {
                if (i == lines.Length - 1 && lines[i].Length == 0) break;
                if (!matches(lines[i])) continue;
                n++;
                if (count || filesOnly) continue;
                output.Append(name).Append(':');
                if (lineNumbers) output.Append(i + 1).Append(':');
                output.Append(lines[i]).Append('\n');
            }
            if (n == 0) continue;
            any = true;
            if (filesOnly) output.Append(name).Append('\n');
            else if (count) output.Append(name).Append(':').Append(n).Append('\n');
        }
        StdStreams.Out(output.ToString());
        return any ? DijitsoExit.Ok : DijitsoExit.BuildFailed;
    }

    public static int GrepFunction(CacheLayout layout, string name, string? onlySig, bool noBody)
    {
        var output = new StringBuilder();
        bool any = false;
        foreach (var (file, path) in Files(layout, onlySig))
            foreach (var (line, text) in FunctionFinder.Definitions(StoredSource.ReadText(path), name, noBody))
            {
                output.Append("// ").Append(file).Append(':').Append(line).Append('\n').Append(text).Append('\n');
                any = true;
            }
        StdStreams.Out(output.ToString());
        return any ? DijitsoExit.Ok : DijitsoExit.BuildFailed;
    }
}
