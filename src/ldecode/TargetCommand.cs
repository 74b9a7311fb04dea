// `ltarget [flags] FILE...`: declares targets of the running job (so writing them is allowed), or lists the
// targets seen so far (-l).
using System.Globalization;
using Lmake.Common;

namespace Lmake.JobCommands;

internal static class TargetCommand
{
    // Bit values of Lmake.Autodep.DeclaredTargetFlags.
    private static readonly (char Flag, int Bit)[] Bits = [('W', 1), ('i', 2), ('p', 4), ('s', 8), ('I', 16), ('w', 32)];

    public static int Run(string[] args) => InJobCommandLine.Run("ltarget", () =>
    {
        var cl = new InJobCommandLine("ltarget", "[-WipsIXwaEL] [-cDer] FILE... | -l [-z DIR] [-X REGEXPR]",
            "Declares FILEs (relative to the current dir) as targets of the running job: it may write them.",
            new('W', "write", "as if the job wrote it now"),
            new('i', "incremental", "incremental: not removed before the job runs, it may read it first"),
            new('p', "phony", "phony: the target may not exist when the job ends"),
            new('s', "source-ok", "the job may write it even if it is a source"),
            new('I', "ignore", "from now on, reads and writes of it are not tracked"),
            new('X', "regexpr", "FILEs are regular expressions: the flags apply to every matching name"),
            new('w', "no-warning", "no warning when it is uniquified or unlinked"),
            new('a', "no-allow", "accepted (the FILEs get the flags without being made targets)"),
            new('E', "essential", "accepted: shown in the dep graph"),
            new('L', "follow-symlinks", "accepted (names are taken as they are: a link is not followed)"),
            new('x', "no-exclude-star", "accepted (the flags given here are the ones applied)"),
            new('c', "critical", "accepted: if a FILE turns out to be a dep, it is critical"),
            new('D', "readdir-ok", "accepted: if a FILE turns out to be a dep, it may be listed"),
            new('e', "ignore-error", "accepted: if a FILE turns out to be a dep, its errors are ignored"),
            new('r', "no-required", "accepted: if a FILE turns out to be a dep, it need not be buildable"),
            new('l', "list", "print the targets seen so far, one per line, in order (no FILE)"),
            new('z', "dir", "with -l: only the targets under DIR", "DIR"));
        if (!cl.Parse(args)) return ExitCode.Ok;
        if (cl.Has('l')) return DependCommand.List(cl, "list_targets");
        int flags = 0;
        foreach (var (flag, bit) in Bits) if (cl.Has(flag)) flags |= bit;
        var request = new List<string> { flags.ToString(CultureInfo.InvariantCulture), cl.Has('X') ? "1" : "0" };
        request.AddRange(cl.Operands);
        JobChannelClient.Call("target", request);
        return ExitCode.Ok;
    });
}
