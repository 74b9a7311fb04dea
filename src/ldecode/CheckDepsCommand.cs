// `lcheck_deps [-s] [-d DELAY]`: asks whether every dep the job has seen so far is up to date. When one is not, the
// runner stops the job and runs it again later; meanwhile this command says so and exits 1.
using System.Globalization;
using Lmake.Common;

namespace Lmake.JobCommands;

internal static class CheckDepsCommand
{
    public static int Run(string[] args) => InJobCommandLine.Run("lcheck_deps", () =>
    {
        var cl = new InJobCommandLine("lcheck_deps", "[-s] [-d DELAY]",
            "Checks that every dep seen so far is up to date; if not, the job is stopped and rerun later.",
            new InJobOption('s', "sync", "wait for the verdict (always done here: the accesses before it are ordered first)"),
            new InJobOption('d', "delay", "check DELAY seconds from now (this command waits for it)", "DELAY"));
        if (!cl.Parse(args)) return ExitCode.Ok;
        if (cl.Operands.Count > 0) throw new UsageError($"unexpected argument '{cl.Operands[0]}'");
        if (cl.Value('d') is { } delay)
        {
            if (!double.TryParse(delay, NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds) || seconds < 0 || seconds > 1e6)
                throw new UsageError($"-d DELAY must be a number of seconds, not '{delay}'");
            Thread.Sleep(TimeSpan.FromSeconds(seconds));
        }
        List<string> reply = JobChannelClient.Call("check_deps", []);
        if (reply.Count > 0 && reply[0] == "1") return ExitCode.Ok;
        Console.Error.WriteLine("lcheck_deps: some deps are not up to date: the job will be rerun");
        return ExitCode.BuildFailed;
    });
}
