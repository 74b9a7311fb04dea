// What a request made of a node or a job: its state, whether some job ran for it, and why it failed.
namespace Lmake.Server.Engine;

public enum MakeState : byte
{
    Ok,        // exists (or may not exist and need not) and is up to date
    Missing,   // does not exist and nothing can make it: fine as a discovered dep, an error if asked
    Dangling,  // exists, is not a source, and nothing can make it
    Error,     // it, or what it needs, failed
}

/// <summary>The outcome of making a node in one request. <paramref name="Worked"/>: some job ran for it.</summary>
public sealed record NodeResult(MakeState State, bool Worked, ErrorChain? Why);

/// <summary>The results that carry no error, as completed tasks made once: a no-op build returns one per node
/// and job, and a new task each time was most of what it allocated.</summary>
public static class NodeResults
{
    public static readonly Task<NodeResult> OkIdle = Task.FromResult(new NodeResult(MakeState.Ok, false, null));
    public static readonly Task<NodeResult> OkWorked = Task.FromResult(new NodeResult(MakeState.Ok, true, null));
    public static readonly Task<NodeResult> MissingIdle = Task.FromResult(new NodeResult(MakeState.Missing, false, null));

    public static Task<NodeResult> Ok(bool worked) => worked ? OkWorked : OkIdle;

    /// <summary>A completed task of <paramref name="r"/>, a shared one when it has no error to say.</summary>
    public static Task<NodeResult> Completed(NodeResult r) =>
        r.Why != null ? Task.FromResult(r)
        : r.State == MakeState.Ok ? Ok(r.Worked)
        : r.State == MakeState.Missing && !r.Worked ? MissingIdle
        : Task.FromResult(r);
}
