// One cached run of a job, as its `info` file holds it. On disk a run is a folder
//   DIR/<job name>/<rule name>-<16 hex: the rule's command signature>/<16 hex: the run's id>/
// holding `info` (this text, UTF-8) and `data` (one LZ4 frame: the content of each target, in info's order, one
// after the other; a symlink's content is its link text). The run's id is a hash of its deps and what it saw of
// them, so two repos storing the same run store it once. info:
//   lmake-cs cache run 1
//   exec_time <ticks of TimeSpan>
//   cpu_time <ticks of TimeSpan>                           the cost of the run for the replacement policy
//   stored <ticks of the UTC date it was stored>
//   repo_key <the key of the repo that stored it (RepoKey.cs)>
//   dep <checksum as FileChecksum.ToString> <name>         one per dep, in the order the job read them
//   target <checksum> <size in bytes> <name>               one per file it left (stdout's target among them)
//   source <checksum> <size in bytes> <name>               a source it was allowed to write (source_ok)
//   stderr <base64 of UTF-8>
//   end                                                    the last line: a file cut short at a line's end is no run
// A line of another key is skipped (room for later fields); a run whose info does not parse is no run.
using System.Text;
using Lmake.Common.Checksums;

namespace Lmake.Server.Cache;

public sealed record CachedFile(string Name, FileChecksum Content, long Size, bool IsSource);

public sealed class CacheEntry
{
    public const string Header = "lmake-cs cache run 1";

    public TimeSpan ExecTime { get; init; }
    public TimeSpan CpuTime { get; init; }
    public DateTime Stored { get; init; }
    public string RepoKey { get; init; } = "";
    public required IReadOnlyList<(string Name, FileChecksum Seen)> Deps { get; init; }
    /// <summary>The targets, then the sources it wrote, in the order of their contents in `data`.</summary>
    public required IReadOnlyList<CachedFile> Files { get; init; }
    public string Stderr { get; init; } = "";

    /// <summary>What the run's id hashes: its deps and the content it saw of each.</summary>
    public static string RunId(IEnumerable<(string Name, FileChecksum Seen)> deps)
    {
        var sb = new StringBuilder();
        foreach (var (name, seen) in deps) sb.Append(name).Append('\0').Append(seen.ToString()).Append('\n');
        return XxHash.Xxh3_64(Encoding.UTF8.GetBytes(sb.ToString())).ToString("x16");
    }

    public string Format()
    {
        var sb = new StringBuilder();
        sb.Append(Header).Append('\n');
        sb.Append("exec_time ").Append(ExecTime.Ticks).Append('\n');
        sb.Append("cpu_time ").Append(CpuTime.Ticks).Append('\n');
        sb.Append("stored ").Append(Stored.Ticks).Append('\n');
        sb.Append("repo_key ").Append(RepoKey).Append('\n');
        foreach (var (name, seen) in Deps) sb.Append("dep ").Append(seen.ToString()).Append(' ').Append(name).Append('\n');
        foreach (CachedFile f in Files)
            sb.Append(f.IsSource ? "source " : "target ").Append(f.Content.ToString()).Append(' ').Append(f.Size).Append(' ').Append(f.Name).Append('\n');
        sb.Append("stderr ").Append(Convert.ToBase64String(Encoding.UTF8.GetBytes(Stderr))).Append('\n');
        sb.Append("end\n");
        return sb.ToString();
    }

    /// <summary>The entry of an info file's text; null when it is not one (torn, of another version).</summary>
    public static CacheEntry? Parse(string text)
    {
        string[] lines = text.Split('\n');
        if (lines.Length < 3 || lines[0] != Header || lines[^2] != "end" || lines[^1] != "") return null;
        var deps = new List<(string, FileChecksum)>();
        var files = new List<CachedFile>();
        long execTicks = 0, cpuTicks = 0, storedTicks = 0;
        string stderr = "", repoKey = "";
        foreach (string line in lines.AsSpan(1, lines.Length - 3))
        {
            int sp = line.IndexOf(' ');
            if (sp < 0) return null;
            string key = line[..sp], rest = line[(sp + 1)..];
            switch (key)
            {
                case "exec_time":
                    if (!long.TryParse(rest, out execTicks)) return null;
                    break;
                case "cpu_time":
                    if (!long.TryParse(rest, out cpuTicks)) return null;
                    break;
                case "stored":
                    if (!long.TryParse(rest, out storedTicks) || storedTicks < 0 || storedTicks > DateTime.MaxValue.Ticks) return null;
                    break;
                case "repo_key":
                    repoKey = rest;
                    break;
                case "dep":
                {
                    int s = rest.IndexOf(' ');
                    if (s < 0 || !FileChecksum.TryParse(rest[..s], out FileChecksum seen)) return null;
                    deps.Add((rest[(s + 1)..], seen));
                    break;
                }
                case "target" or "source":
                {
                    string[] parts = rest.Split(' ', 3);
                    if (parts.Length != 3 || !FileChecksum.TryParse(parts[0], out FileChecksum content) || !long.TryParse(parts[1], out long size) || size < 0)
                        return null;
                    files.Add(new CachedFile(parts[2], content, size, key == "source"));
                    break;
                }
                case "stderr":
                    try { stderr = Encoding.UTF8.GetString(Convert.FromBase64String(rest)); }
                    catch (FormatException) { return null; }
                    break;
            }
        }
        return new CacheEntry
        {
            ExecTime = TimeSpan.FromTicks(execTicks), CpuTime = TimeSpan.FromTicks(cpuTicks), Stored = new DateTime(storedTicks, DateTimeKind.Utc), RepoKey = repoKey,
            Deps = deps, Files = files, Stderr = stderr,
        };
    }
}
