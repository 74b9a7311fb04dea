// `lencode -t TABLE -x CONTEXT [-l MINLEN]` (value on stdin, prints its code) and `ldecode -t TABLE -x CONTEXT
// -c CODE` (prints the value). The table is a key of lmake.config.codecs, a file or a directory. In a job the
// request goes to what runs it (the server records the association as a dep; lautodep and the script of ldebug
// use the table directly, see Lmake.Autodep.CodecTable); outside a job the commands refuse, as the other
// in-job commands.
using System.Globalization;
using System.Text;
using Lmake.Common;

namespace Lmake.JobCommands;

internal static class CodecCommands
{
    private static readonly InJobOption Table = new('t', "table", "the codec table (a file, or a directory), relative to the current dir", "TABLE");
    private static readonly InJobOption Context = new('x', "context", "the context within the table", "CONTEXT");
    private static readonly InJobOption Version = new('v', "codec-version", "the version of the dir form (3, the only one; 0: the latest)", "VERSION");

    public static int Encode(string[] args) => InJobCommandLine.Run("lencode", () =>
    {
        var cl = new InJobCommandLine("lencode", "-t TABLE -x CONTEXT [-l MINLEN] < VALUE",
            "Prints the code of the value read on stdin (all of it, as is), creating the entry if it is new.",
            Table, Context, Version, new('l', "min-len", "the shortest code to give (hex digits, default 1)", "MINLEN"));
        if (!cl.Parse(args)) return ExitCode.Ok;
        var (table, context) = TableAndContext(cl);
        string minLen = cl.Value('l') ?? "1";
        if (!int.TryParse(minLen, NumberStyles.None, CultureInfo.InvariantCulture, out int n) || n < 1 || n > 32)
            throw new UsageError($"-l MINLEN must be a number from 1 to 32, not '{minLen}'");
        if (cl.Operands.Count > 0) throw new UsageError($"unexpected argument '{cl.Operands[0]}' (the value is read on stdin)");
        using var stdin = Console.OpenStandardInput();
        using var buffer = new MemoryStream();
        stdin.CopyTo(buffer);
        string value = Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
        string code = JobChannelClient.Call("encode", [table, context, n.ToString(CultureInfo.InvariantCulture), value])[0];
        Console.Out.Write(code + "\n");
        return ExitCode.Ok;
    });

    public static int Decode(string[] args) => InJobCommandLine.Run("ldecode", () =>
    {
        var cl = new InJobCommandLine("ldecode", "-t TABLE -x CONTEXT -c CODE",
            "Prints the value whose code is CODE (as it was given to lencode, with no newline added).",
            Table, Context, Version, new('c', "code", "the code to decode", "CODE"));
        if (!cl.Parse(args)) return ExitCode.Ok;
        var (table, context) = TableAndContext(cl);
        string code = cl.Value('c') ?? throw new UsageError("-c CODE is required");
        if (cl.Operands.Count > 0) throw new UsageError($"unexpected argument '{cl.Operands[0]}'");
        string value = JobChannelClient.Call("decode", [table, context, code])[0];
        using var stdout = Console.OpenStandardOutput();
        stdout.Write(Encoding.UTF8.GetBytes(value));
        return ExitCode.Ok;
    });

    private static (string Table, string Context) TableAndContext(InJobCommandLine cl)
    {
        if (cl.Value('v') is string version && version is not ("0" or "3"))
            throw new UsageError($"codec version {version} is not supported (only 3)");
        return (cl.Value('t') ?? throw new UsageError("-t TABLE is required"), cl.Value('x') ?? throw new UsageError("-x CONTEXT is required"));
    }
}
