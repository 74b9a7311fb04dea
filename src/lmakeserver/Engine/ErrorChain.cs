// Why a node or job could not be made, down to the root cause: the summary prints it as a tree.
namespace Lmake.Server.Engine;

public sealed record ErrorChain(string Rule, string Name, string? Reason, IReadOnlyList<ErrorChain> Causes)
{
    /// <summary>Reached through an essential dep (static deps are, unless told otherwise): `lmake -d` shows only those.</summary>
    public bool Essential { get; init; } = true;

    public static ErrorChain Leaf(string rule, string name, string? reason = null) => new(rule, name, reason, []);
}

public enum MakeState : byte
{
    Ok,        // exists (or may not exist and need not) and is up to date
    Missing,   // does not exist and nothing can make it: fine as a discovered dep, an error if asked
    Dangling,  // exists, is not a source, and nothing can make it
    Error,     // it, or what it needs, failed
}

/// <summary>The outcome of making a node in one request. <paramref name="Worked"/>: some job ran for it.</summary>
public sealed record NodeResult(MakeState State, bool Worked, ErrorChain? Why);
