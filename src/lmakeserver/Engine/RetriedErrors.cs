// The error kinds of rules.md's retried_errors (lmake -r retries a failed run only for the kinds its rule
// lists): which kind a failed run is, as the bits the reader sends in JobPlan.RetriedErrors.
using Lmake.Server.Backends;

namespace Lmake.Server.Engine;

internal static class RetriedErrors
{
    public const int EarlyError = 1, JobError = 2, Forbidden = 4, Panic = 8, TerminationError = 16, Timeout = 32;

    /// <summary>The kind of a failed run: a timeout, a forbidden action (an unexpected write, a missing target, a
    /// source written, a readdir without readdir_ok), else the job's own error (exit code, signal, exception).</summary>
    public static int KindOf(JobRun run)
    {
        string why = run.FailReason ?? "";
        if (why == "timeout") return Timeout;
        if (why.StartsWith("exit code", StringComparison.Ordinal) || why.StartsWith("killed by signal", StringComparison.Ordinal)
            || why == "wrote to stderr" || why == "killed") return JobError;
        if (why.StartsWith("unexpected write", StringComparison.Ordinal) || why.StartsWith("missing target", StringComparison.Ordinal)
            || why.StartsWith("wrote the source", StringComparison.Ordinal) || why.StartsWith("readdir of", StringComparison.Ordinal)) return Forbidden;
        return JobError;
    }
}
