// What one execution of a job produced, once its accesses are sorted into deps and targets.
namespace Lmake.Server.Engine;

public sealed record JobRun(
    bool Ok,
    string? FailReason,            // null when Ok: "exit code 1", "unexpected write to x", ...
    IReadOnlyList<string> Notes,   // notes printed under the status line (two spaces)
    string Stderr,
    TimeSpan ExecTime,
    IReadOnlyList<string> DiscoveredDeps,   // in first-access order, not counting static deps and targets
    IReadOnlyList<string> Targets,          // every target the job left (static and star)
    bool Killed);
