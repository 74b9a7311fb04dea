// Why a node or job could not be made, down to the root cause: the summary prints it as a tree.
namespace Lmake.Server.Engine;

public sealed record ErrorChain(string Rule, string Name, string? Reason, IReadOnlyList<ErrorChain> Causes)
{
    /// <summary>Reached through an essential dep (static deps are, unless told otherwise): `lmake -d` shows only those.</summary>
    public bool Essential { get; init; } = true;

    public static ErrorChain Leaf(string rule, string name, string? reason = null) => new(rule, name, reason, []);

    /// <summary>Why a dep, as made, puts its job in error: the dep is in error or dangling, or it is missing where
    /// that is an error (<paramref name="missingReason"/>: what to say then; null: missing is fine). Null when it does
    /// not (ignore_error included). Essential as the dep's flags say.</summary>
    public static ErrorChain? OfDep(NodeResult made, string name, Rules.DepFlags flags, string? missingReason)
    {
        if ((flags & Rules.DepFlags.IgnoreError) != 0) return null;
        ErrorChain? cause = made.State switch
        {
            MakeState.Error or MakeState.Dangling => made.Why ?? Leaf("", name),
            MakeState.Missing when missingReason != null => Leaf("missing", name, missingReason),
            _ => null,
        };
        return cause == null ? null : cause with { Essential = (flags & Rules.DepFlags.Essential) != 0 };
    }
}
