// A rule whose target pattern matches a file name, with the stems the match gave.
namespace Lmake.Server.Rules;

/// <param name="TargetIndex">Index in <see cref="Rule.Targets"/> of the target that matched.</param>
/// <param name="Stems">Every stem of that target, star stems included.</param>
public sealed record RuleMatch(Rule Rule, int TargetIndex, IReadOnlyDictionary<string, string> Stems)
{
    public TargetSpec Target => Rule.Targets[TargetIndex];
}
