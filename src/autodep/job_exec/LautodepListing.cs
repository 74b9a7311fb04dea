// How lautodep prints accesses: `KINDS NAME` lines, or the same as JSON (source-generated, AOT-clean).
using System.Text;
using System.Text.Json.Serialization;
using Lmake.Autodep;

namespace Lmake.JobExec;

internal static class LautodepListing
{
    // One letter per kind, in this order; '!' after them when the file did not exist when first looked at.
    private static readonly (AccessKind Kind, char Letter, string Word)[] Letters =
    [
        (AccessKind.Read, 'R', "read"), (AccessKind.Stat, 'S', "stat"), (AccessKind.Readlink, 'L', "readlink"),
        (AccessKind.ReadDir, 'D', "readdir"), (AccessKind.Exec, 'X', "exec"), (AccessKind.Write, 'W', "write"),
        (AccessKind.Unlink, 'U', "unlink"), (AccessKind.Mkdir, 'M', "mkdir"),
    ];

    public const string Legend =
        "output: one line per file, in first-access order: KINDS NAME, KINDS being letters among\n" +
        "  R read   S stat/access   L readlink (also: a symlink crossed)   D directory listed   X executed\n" +
        "  W written   U unlinked/renamed away   M mkdir\n" +
        "  followed by ! when the file did not exist when first looked at (a dep on a missing file).\n" +
        "  NAME is relative to the repo root, or absolute under a source dir; other files are not listed.\n";

    public static string Kinds(Access a)
    {
        var sb = new StringBuilder(9);
        foreach (var (kind, letter, _) in Letters) if ((a.Kinds & kind) != 0) sb.Append(letter);
        if ((a.Kinds & Access.ReadKinds) != 0 && !a.ExistedAtFirstRead) sb.Append('!');
        return sb.ToString();
    }

    public static string Text(IReadOnlyList<Access> accesses)
    {
        var sb = new StringBuilder();
        foreach (var a in accesses) sb.Append(Kinds(a)).Append(' ').Append(a.Name).Append('\n');
        return sb.ToString();
    }

    public static string Json(IReadOnlyList<Access> accesses, int exitCode)
    {
        var list = new List<LautodepAccessJson>(accesses.Count);
        foreach (var a in accesses)
        {
            var words = new List<string>();
            foreach (var (kind, _, word) in Letters) if ((a.Kinds & kind) != 0) words.Add(word);
            list.Add(new LautodepAccessJson(a.Name, words, (a.Kinds & Access.ReadKinds) == 0 || a.ExistedAtFirstRead));
        }
        return System.Text.Json.JsonSerializer.Serialize(new LautodepReportJson(exitCode, list), LautodepJsonContext.Default.LautodepReportJson) + "\n";
    }
}

internal sealed record LautodepAccessJson(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("kinds")] List<string> Kinds,
    [property: JsonPropertyName("existed")] bool Existed);

internal sealed record LautodepReportJson(
    [property: JsonPropertyName("exit_code")] int ExitCode,
    [property: JsonPropertyName("accesses")] List<LautodepAccessJson> Accesses);

[JsonSourceGenerationOptions(WriteIndented = false)]
[JsonSerializable(typeof(LautodepReportJson))]
internal sealed partial class LautodepJsonContext : JsonSerializerContext;
