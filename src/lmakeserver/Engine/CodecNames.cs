// The names of the codec pseudo-nodes: a job that decodes or encodes depends on the one association it used, not
// on the whole table, so that it reruns only when that association changes (codec.md: "each association is managed
// as a source"). An association is a node of its own, whose checksum is its content as the table holds it now:
//     LMAKE/codec:TABLE//CONTEXT//CODE.decode   what ldecode of CODE gives (the value; none when there is no such code)
//     LMAKE/codec:TABLE//CONTEXT//SUM.encode    what lencode of the value whose checksum is SUM gives (the code)
//     LMAKE/codec:TABLE                         not a dep: it keeps the checksum of the table file last read (expanded)
// TABLE is repo-relative or absolute, CONTEXT has no empty part and CODE no '/' (CodecCodes): the first '//'
// ends TABLE and the last one starts the code. Names under LMAKE/ are never files lmake makes or a job tracks.
namespace Lmake.Server.Engine;

public enum CodecEntryKind { Decode, Encode }

public readonly record struct CodecEntryName(string Table, string Context, string Key, CodecEntryKind Kind);

public static class CodecNames
{
    public const string Prefix = "LMAKE/codec:";

    public static string Decode(string table, string context, string code) => $"{Prefix}{table}//{context}//{code}.decode";

    public static string Encode(string table, string context, string value) => $"{Prefix}{table}//{context}//{Autodep.CodecCodes.Base64(value)}.encode";

    /// <summary>The node keeping what lmake last read of the table file.</summary>
    public static string State(string table) => Prefix + table;

    /// <summary>Is this the name of an association (a node whose checksum comes from a codec table)?</summary>
    public static bool IsEntry(string name) =>
        name.StartsWith(Prefix, StringComparison.Ordinal) && (name.EndsWith(".decode", StringComparison.Ordinal) || name.EndsWith(".encode", StringComparison.Ordinal))
        && name.IndexOf("//", Prefix.Length, StringComparison.Ordinal) >= 0;

    public static bool TryParse(string name, out CodecEntryName entry)
    {
        entry = default;
        if (!IsEntry(name)) return false;
        int first = name.IndexOf("//", Prefix.Length, StringComparison.Ordinal), last = name.LastIndexOf("//", StringComparison.Ordinal);
        if (last <= first) return false;
        string table = name[Prefix.Length..first], context = name[(first + 2)..last], file = name[(last + 2)..];
        var kind = file.EndsWith(".decode", StringComparison.Ordinal) ? CodecEntryKind.Decode : CodecEntryKind.Encode;
        entry = new CodecEntryName(table, context, file[..^7], kind);
        return table.Length > 0 && context.Length > 0;
    }
}
