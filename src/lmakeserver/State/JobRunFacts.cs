// What the backend saw of one run of a job, beyond its accesses: kept on the Job until the engine records the
// run (JobInfo), for `lshow -i`.
namespace Lmake.Server.State;

public sealed record JobRunFacts(DateTime Start, DateTime End, int ExitCode, TimeSpan Cpu, long MaxRssBytes,
    string TmpDir, bool TmpKept, string Host, string Stdout);
