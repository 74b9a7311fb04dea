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
        (AccessKind.Depend, 'N', "depend"),
    ];

    public const string Legend =
        "output: one line per file, in first-access order: KINDS NAME, KINDS being letters among\n" +
        "  R read   S stat/access   L readlink (also: a symlink crossed)   D directory listed   X executed\n" +
        "  W written   U unlinked/renamed away   M mkdir   N named by ldepend (without -R: no content looked at)\n" +
        "  followed by ! when the file did not exist when first looked at (a dep on a missing file).\n" +
        "  NAME is relative to the repo root, or absolute under a source dir; other files are not listed.\n" +
        "  KINDS is - for a file only named by ltarget. What ldepend/ltarget said follows the name, after two\n" +
        "  spaces: declared (named by ldepend/ltarget), dep:FLAGS, target:FLAGS (comma-separated), group:N (the\n" +
        "  deps of one ldepend call share N). Then one line `~ REGEX  dep:FLAGS|target:FLAGS` per ldepend/ltarget -X.\n";

    private static readonly (DeclaredDepFlags Flag, string Word)[] DepWords =
    [
        (DeclaredDepFlags.Critical, "critical"), (DeclaredDepFlags.Essential, "essential"), (DeclaredDepFlags.IgnoreError, "ignore_error"),
        (DeclaredDepFlags.NotRequired, "not_required"), (DeclaredDepFlags.ReaddirOk, "readdir_ok"), (DeclaredDepFlags.Ignore, "ignore"),
    ];
    private static readonly (DeclaredTargetFlags Flag, string Word)[] TargetWords =
    [
        (DeclaredTargetFlags.Write, "write"), (DeclaredTargetFlags.Incremental, "incremental"), (DeclaredTargetFlags.Phony, "phony"),
        (DeclaredTargetFlags.SourceOk, "source_ok"), (DeclaredTargetFlags.Ignore, "ignore"), (DeclaredTargetFlags.NoWarning, "no_warning"),
    ];

    public static List<string> DepFlagWords(DeclaredDepFlags flags) => [.. DepWords.Where(w => (flags & w.Flag) != 0).Select(w => w.Word)];
    public static List<string> TargetFlagWords(DeclaredTargetFlags flags) => [.. TargetWords.Where(w => (flags & w.Flag) != 0).Select(w => w.Word)];

    /// <summary>What ldepend/ltarget said of the file ("" when nothing).</summary>
    public static string Declarations(Access a)
    {
        var parts = new List<string>(4);
        if (a.Declared) parts.Add("declared");
        if (a.DepFlags != DeclaredDepFlags.None) parts.Add("dep:" + string.Join(',', DepFlagWords(a.DepFlags)));
        if (a.TargetFlags != DeclaredTargetFlags.None) parts.Add("target:" + string.Join(',', TargetFlagWords(a.TargetFlags)));
        if (a.ParallelGroup != 0) parts.Add("group:" + a.ParallelGroup);
        return string.Join(' ', parts);
    }

    public static string Kinds(Access a)
    {
        var sb = new StringBuilder(9);
        foreach (var (kind, letter, _) in Letters) if ((a.Kinds & kind) != 0) sb.Append(letter);
        if ((a.Kinds & Access.ReadKinds) != 0 && !a.ExistedAtFirstRead) sb.Append('!');
        return sb.Length == 0 ? "-" : sb.ToString();
    }

    public static string Text(IReadOnlyList<Access> accesses, IReadOnlyList<DeclaredPattern> patterns)
    {
        var sb = new StringBuilder();
        foreach (var a in accesses)
        {
            sb.Append(Kinds(a)).Append(' ').Append(a.Name);
            string declarations = Declarations(a);
            if (declarations.Length > 0) sb.Append("  ").Append(declarations);
            sb.Append('\n');
        }
        foreach (var p in patterns)
            sb.Append("~ ").Append(p.Regex).Append("  ")
              .Append(p.IsTarget ? "target:" + string.Join(',', TargetFlagWords(p.TargetFlags)) : "dep:" + string.Join(',', DepFlagWords(p.DepFlags)))
              .Append('\n');
        return sb.ToString();
    }

    public static string Json(IReadOnlyList<Access> accesses, int exitCode)
    {
        var list = new List<LautodepAccessJson>(accesses.Count);
        foreach (var a in accesses)
        {
            var words = new List<string>();
            foreach (var (kind, _, word) in Letters) if ((a.Kinds & kind) != 0) words.Add(word);
            list.Add(new LautodepAccessJson(a.Name, words, (a.Kinds & Access.ReadKinds) == 0 || a.ExistedAtFirstRead,
                a.Declared, DepFlagWords(a.DepFlags), TargetFlagWords(a.TargetFlags), a.ParallelGroup));
        }
        return System.Text.Json.JsonSerializer.Serialize(new LautodepReportJson(exitCode, list), LautodepJsonContext.Default.LautodepReportJson) + "\n";
    }
}

internal sealed record LautodepAccessJson(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("kinds")] List<string> Kinds,
    [property: JsonPropertyName("existed")] bool Existed,
    [property: JsonPropertyName("declared")] bool Declared,
    [property: JsonPropertyName("dep_flags")] List<string> DepFlags,
    [property: JsonPropertyName("target_flags")] List<string> TargetFlags,
    [property: JsonPropertyName("group")] int Group);

internal sealed record LautodepReportJson(
    [property: JsonPropertyName("exit_code")] int ExitCode,
    [property: JsonPropertyName("accesses")] List<LautodepAccessJson> Accesses);

[JsonSourceGenerationOptions(WriteIndented = false)]
[JsonSerializable(typeof(LautodepReportJson))]
internal sealed partial class LautodepJsonContext : JsonSerializerContext;
