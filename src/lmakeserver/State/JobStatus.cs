// How a job's last run ended, as the store records it (JobRecord.Status, one byte: the values are on disk).
namespace Lmake.Server.State;

public enum JobStatus : byte
{
    Never = 0,   // never ran (or its record was forgotten)
    Ok,
    Failed,
    DepError,    // a dep it discovered while running was in error
}

/// <summary>How a job's last run went, beyond its status: what makes it out of date later.</summary>
[Flags]
public enum JobRunFlags : byte
{
    None = 0,
    Incremental = 1 << 0,   // it kept an incremental target it found: lmake -I runs it again
    Forced = 1 << 1,        // its rule had force: the next request runs it again, force or not
    Lost = 1 << 3,          // it died of a SIGKILL lmake did not send (kill -9, the OOM killer): run again next time
    DiskFull = 1 << 4,      // it failed while the repo's disk was full (its failure may be that): run again next time
    FailedLocally = 1 << 2, // it failed on the local backend while its rule names another one (lmake -l): a request
                            // without -l runs it again where its rule says
}
