// `lcheck_deps [-s]`: asks whether every dep the job has seen so far is up to date. When one is not, the
// runner stops the job and runs it again later; meanwhile this command says so and exits 1.
using Lmake.Common;

namespace Lmake.JobCommands;

internal static class CheckDepsCommand
{
    public static int Run(string[] args) => InJobCommandLine.Run("lcheck_deps", () =>
    {
        var cl = new InJobCommandLine("lcheck_deps", "[-s]",
            "Checks that every dep seen so far is up to date; if not, the job is stopped and rerun later.",
            new InJobOption('s', "sync", "wait for the verdict (always done here: the accesses before it are ordered first)"));
        if (!cl.Parse(args)) return ExitCode.Ok;
        if (cl.Operands.Count > 0) throw new UsageError($"unexpected argument '{cl.Operands[0]}'");
        List<string> reply = JobChannelClient.Call("check_deps", []);
        if (reply.Count > 0 && reply[0] == "1") return ExitCode.Ok;
        Console.Error.WriteLine("lcheck_deps: some deps are not up to date: the job will be rerun");
        return ExitCode.BuildFailed;
    });
}
