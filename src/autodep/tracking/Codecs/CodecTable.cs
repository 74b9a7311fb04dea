// lencode/ldecode straight on a table, for what runs jobs without a server (lautodep, the script of ldebug): a
// directory is the directory form (CodecDir), anything else the file form (CodecFile). The server keeps file
// tables in memory instead and records which association each job used (Lmake.Server.Engine.CodecTables).
namespace Lmake.Autodep;

public static class CodecTable
{
    /// <summary>The code of value in context, adding the association if the value is new. Throws ArgumentException
    /// for a context that cannot be stored.</summary>
    public static string Encode(string table, string context, string value, int minLen)
    {
        if (CodecCodes.BadContext(context) is string bad) throw new ArgumentException(bad);
        return Directory.Exists(table) ? CodecDir.Encode(table, context, value, minLen) : CodecFile.Encode(table, context, value, minLen);
    }

    /// <summary>The value of code in context, or null when there is no such association (or no table).</summary>
    public static string? Decode(string table, string context, string code)
    {
        if (CodecCodes.BadContext(context) is string bad) throw new ArgumentException(bad);
        if (CodecCodes.BadCode(code) != null) return null;
        return Directory.Exists(table) ? CodecDir.Decode(table, context, code) : CodecFile.Load(table, out _).Decode(context, code);
    }
}
