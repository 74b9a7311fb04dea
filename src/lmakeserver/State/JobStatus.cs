// How a job's last run ended, as the store records it (JobRecord.Status, one byte: the values are on disk).
namespace Lmake.Server.State;

public enum JobStatus : byte
{
    Never = 0,   // never ran (or its record was forgotten)
    Ok,
    Failed,
    DepError,    // a dep it discovered while running was in error
}
