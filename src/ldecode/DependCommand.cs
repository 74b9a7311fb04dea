// `ldepend [flags] FILE...`: declares deps of the running job (all parallel), or lists them (-l), or waits for
// them to be made (-d) and prints `STATUS CHECKSUM NAME` for each (-v).
using System.Globalization;
using System.Text;
using Lmake.Common;

namespace Lmake.JobCommands;

internal static class DependCommand
{
    // Bit values of Lmake.Autodep.DeclaredDepFlags.
    private static readonly (char Flag, int Bit)[] Bits = [('c', 1), ('E', 2), ('e', 4), ('r', 8), ('D', 16), ('I', 32), ('R', 64)];

    public static int Run(string[] args) => InJobCommandLine.Run("ldepend", () =>
    {
        var cl = new InJobCommandLine("ldepend", "[-cEerDIRXvdLx] FILE... | -l [-z DIR] [-X REGEXPR]",
            "Declares FILEs (relative to the current dir) as deps of the running job (built without error before it\n" +
            "is done; read only with -R); " +
            "all the FILEs of one call are parallel deps (no order among them).",
            new('c', "critical", "critical: when it changes, later deps are not made before the job reruns"),
            new('E', "essential", "essential: shown in the dep graph"),
            new('e', "ignore-error", "the job runs even if this dep is in error"),
            new('r', "no-required", "not required: the job may run if it cannot be made"),
            new('D', "readdir-ok", "the job may list this directory (implies --no-required)"),
            new('I', "ignore", "from now on, accesses to it are no deps (those made before stay)"),
            new('R', "read", "an actual read of each FILE (without it, a change of FILE reruns nothing: only its errors matter)"),
            new('X', "regexpr", "FILEs are regular expressions: the flags apply to every matching name"),
            new('x', "no-exclude-star", "accepted (the flags given here are the ones applied)"),
            new('L', "follow-symlinks", "accepted (a link met on the way is a dep, and the file it leads to)"),
            new('d', "direct", "wait until the deps are made (exit 1 if one is in error)"),
            new('v', "verbose", "as --direct, then print STATUS CHECKSUM FILE for each: STATUS ok/error with -e, CHECKSUM\n" +
                "                            (see xxhsum) with -R, - otherwise"),
            new('l', "list", "print the deps seen so far, one per line, in order (no FILE)"),
            new('z', "dir", "with -l: only the deps under DIR", "DIR"));
        if (!cl.Parse(args)) return ExitCode.Ok;
        if (cl.Has('l')) return List(cl, "list_deps");
        bool wait = cl.Has('v') || cl.Has('d');
        if (wait && cl.Has('X')) throw new UsageError("-v and -d cannot be used with -X");
        int flags = 0;
        foreach (var (flag, bit) in Bits) if (cl.Has(flag)) flags |= bit;
        var request = new List<string> { flags.ToString(CultureInfo.InvariantCulture), cl.Has('X') ? "1" : "0", wait ? "1" : "0" };
        request.AddRange(cl.Operands);
        List<string> reply = JobChannelClient.Call("depend", request);
        if (!wait) return ExitCode.Ok;
        bool inError = false;
        var sb = new StringBuilder();
        for (int i = 0; i < cl.Operands.Count && 3 * i + 2 < reply.Count; i++)
        {
            sb.Append(reply[3 * i]).Append(' ').Append(reply[3 * i + 1]).Append(' ').Append(cl.Operands[i]).Append('\n');
            inError |= reply[3 * i + 2] == "1";
        }
        if (cl.Has('v')) Console.Out.Write(sb.ToString());
        return inError ? ExitCode.BuildFailed : ExitCode.Ok;
    });

    /// <summary>-l: the deps (or targets) so far, under -z DIR and matching the -X REGEXPR when given.</summary>
    public static int List(InJobCommandLine cl, string verb)
    {
        if (cl.Operands.Count > (cl.Has('X') ? 1 : 0)) throw new UsageError(cl.Has('X') ? "-l -X takes one REGEXPR" : "-l takes no FILE");
        Print(JobChannelClient.Call(verb, [cl.Value('z') ?? "", cl.Has('X') && cl.Operands.Count == 1 ? cl.Operands[0] : ""]));
        return ExitCode.Ok;
    }

    public static void Print(List<string> names)
    {
        var sb = new StringBuilder();
        foreach (string n in names) sb.Append(n).Append('\n');
        Console.Out.Write(sb.ToString());
    }
}
