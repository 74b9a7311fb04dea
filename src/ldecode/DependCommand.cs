// `ldepend [flags] FILE...`: declares deps of the running job (all parallel), or lists them (-l), or waits for
// them to be up to date and prints `STATUS CHECKSUM NAME` for each (-v).
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
        var cl = new InJobCommandLine("ldepend", "[-cEerDIRXv] FILE... | -l",
            "Declares FILEs (relative to the current dir) as deps of the running job (built without error before it\n" +
            "is done; read only with -R); " +
            "all the FILEs of one call are parallel deps (no order among them).",
            new('c', "critical", "critical: when it changes, later deps are not made before the job reruns"),
            new('E', "essential", "essential: shown in the dep graph"),
            new('e', "ignore-error", "the job runs even if this dep is in error"),
            new('r', "no-required", "not required: the job may run if it cannot be made"),
            new('D', "readdir-ok", "the job may list this directory"),
            new('I', "ignore", "not a dep after all (accesses to it are ignored)"),
            new('R', "read", "an actual read of each FILE (without it, a change of FILE reruns nothing: only its errors matter)"),
            new('X', "regexpr", "FILEs are regular expressions: the flags apply to every matching name"),
            new('v', "verbose", "wait until the deps are up to date, then print STATUS CHECKSUM FILE for each"),
            new('l', "list", "print the deps seen so far, one per line, in order (no FILE)"));
        if (!cl.Parse(args)) return ExitCode.Ok;
        if (cl.Has('l'))
        {
            if (cl.Operands.Count > 0) throw new UsageError("-l takes no FILE");
            Print(JobChannelClient.Call("list_deps", []));
            return ExitCode.Ok;
        }
        if (cl.Has('v') && cl.Has('X')) throw new UsageError("-v cannot be used with -X");
        int flags = 0;
        foreach (var (flag, bit) in Bits) if (cl.Has(flag)) flags |= bit;
        var request = new List<string> { flags.ToString(CultureInfo.InvariantCulture), cl.Has('X') ? "1" : "0", cl.Has('v') ? "1" : "0" };
        request.AddRange(cl.Operands);
        List<string> reply = JobChannelClient.Call("depend", request);
        if (cl.Has('v'))
        {
            var sb = new StringBuilder();
            for (int i = 0; i < cl.Operands.Count && 2 * i + 1 < reply.Count; i++)
                sb.Append(reply[2 * i]).Append(' ').Append(reply[2 * i + 1]).Append(' ').Append(cl.Operands[i]).Append('\n');
            Console.Out.Write(sb.ToString());
            for (int i = 0; i < reply.Count; i += 2) if (reply[i] != "ok") return ExitCode.BuildFailed;
        }
        return ExitCode.Ok;
    });

    public static void Print(List<string> names)
    {
        var sb = new StringBuilder();
        foreach (string n in names) sb.Append(n).Append('\n');
        Console.Out.Write(sb.ToString());
    }
}
