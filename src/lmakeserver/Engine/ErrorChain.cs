// Why a node or job could not be made, down to the root cause: the summary prints it as a tree.
namespace Lmake.Server.Engine;

public sealed record ErrorChain(string Rule, string Name, string? Reason, IReadOnlyList<ErrorChain> Causes)
{
    /// <summary>Reached through an essential dep (static deps are, unless told otherwise): `lmake -d` shows only those.</summary>
    public bool Essential { get; init; } = true;

    public static ErrorChain Leaf(string rule, string name, string? reason = null) => new(rule, name, reason, []);
}
