// `dijitso show`, `clean` and `checkout`: the cache seen as entries (signature -> files of each category).
using System.Text;
using Dijitso.Cache;
using Lmake.Common;

namespace Dijitso.Commands;

public static class CacheCommands
{
    public static string[] ParseCategories(string? list)
    {
        if (string.IsNullOrWhiteSpace(list)) return CacheLayout.Categories;
        string[] asked = list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (string c in asked)
            if (!CacheLayout.Categories.Contains(c))
                throw new DijitsoError(DijitsoExit.Usage, $"dijitso: --categories: unknown category '{c}' (known: inc, src, lib, log)");
        return asked;
    }

    public static int Show(CacheLayout layout, string? categories, bool files, bool signatures, bool noSummary)
    {
        var output = new StringBuilder();
        var allSignatures = new SortedSet<string>(StringComparer.Ordinal);
        if (!noSummary) output.Append("cache: ").Append(layout.Root).Append('\n');
        foreach (string category in ParseCategories(categories))
        {
            var entries = layout.Entries(category);
            if (!noSummary)
            {
                long bytes = entries.Sum(e => new FileInfo(e.Path).Length);
                output.Append($"{category}: {entries.Count} files, {bytes} bytes in {layout.CategoryDir(category)}\n");
            }
            foreach (var (sig, path) in entries)
            {
                if (files) output.Append(path).Append('\n');
                allSignatures.Add(sig);
            }
        }
        if (signatures) foreach (string sig in allSignatures) output.Append(sig).Append('\n');
        StdStreams.Out(output.ToString());
        return DijitsoExit.Ok;
    }

    public static int Clean(CacheLayout layout, string? categories, bool dryRun)
    {
        var output = new StringBuilder();
        int count = 0;
        foreach (string category in ParseCategories(categories))
            foreach (var (_, path) in layout.Entries(category))
            {
                if (!dryRun) File.Delete(path);
                output.Append(dryRun ? "would remove " : "removed ").Append(path).Append('\n');
                count++;
            }
        foreach (string category in ParseCategories(categories))
            foreach (string path in LeftByDeadBuilds(layout.CategoryDir(category)))
            {
                if (!dryRun) AtomicFile.TryDelete(path);
                output.Append(dryRun ? "would remove " : "removed ").Append(path).Append(" (left by a killed build)\n");
                count++;
            }
        output.Append(dryRun ? $"{count} files would be removed\n" : $"{count} files removed\n");
        StdStreams.Out(output.ToString());
        return DijitsoExit.Ok;
    }

    /// <summary>Temporaries (.NAME.tmp-HOST-PID-N) whose writer was a process of this host that is gone: a build
    /// killed mid-way. Those of live processes or other hosts may still become a result and are left alone.</summary>
    private static IEnumerable<string> LeftByDeadBuilds(string dir)
    {
        if (!Directory.Exists(dir)) yield break;
        string marker = $".tmp-{Environment.MachineName}-";
        foreach (string path in Directory.EnumerateFiles(dir, ".*"))
        {
            string name = Path.GetFileName(path);
            int at = name.LastIndexOf(marker, StringComparison.Ordinal);
            if (at < 0) continue;
            string[] rest = name[(at + marker.Length)..].Split('-');
            if (rest.Length == 2 && int.TryParse(rest[0], out int pid) && !Libc.ProcessAlive(pid)) yield return path;
        }
    }

    public static int Checkout(CacheLayout layout, string sig)
    {
        CacheLayout.CheckSignature(sig);
        string dir = Path.GetFullPath("jitcheckout-" + sig);
        var copies = new List<(string From, string To, bool Decode)>();
        if (File.Exists(layout.HeaderPath(sig))) copies.Add((layout.HeaderPath(sig), sig + ".h", false));
        if (layout.StoredSource(sig) is { } src) copies.Add((src, sig + ".cpp", true));
        if (File.Exists(layout.LibPath(sig))) copies.Add((layout.LibPath(sig), layout.LibName(sig), false));
        if (File.Exists(layout.LogPath(sig))) copies.Add((layout.LogPath(sig), sig + ".txt", false));
        if (copies.Count == 0)
            throw new DijitsoError(DijitsoExit.NotFound, $"dijitso checkout: {sig} is not in the cache {layout.Root}");
        // Filled aside then renamed: an interrupted checkout leaves no half-filled jitcheckout-SIG/.
        string temp = AtomicFile.TempPathFor(dir);
        Directory.CreateDirectory(temp);
        var output = new StringBuilder();
        foreach (var (from, to, decode) in copies)
        {
            string target = Path.Combine(temp, to);
            if (decode) File.WriteAllBytes(target, StoredSource.ReadBytes(from));
            else File.Copy(from, target);
            output.Append(Path.Combine(dir, to)).Append('\n');
        }
        if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        Directory.Move(temp, dir);
        StdStreams.Out(output.ToString());
        return DijitsoExit.Ok;
    }
}
