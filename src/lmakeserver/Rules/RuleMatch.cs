// A rule whose target pattern matches a file name, with the stems the match gave.
//
// A job keeps the match it was made for as long as the server lives, but needs its stems only while it is resolved
// (its name, its static deps) and when it is planned (it runs, lshow): the stems are let go once the job has what it
// needs (LetGoOfStems) and found again from the file name when asked. A job of a rule with two stems kept them in four
// objects (the dictionary, its values, the two strings: ~140 bytes a job, issue 18).
namespace Lmake.Server.Rules;

public sealed class RuleMatch
{
    /// <param name="targetIndex">Index in <see cref="Rules.Rule.Targets"/> of the target that matched.</param>
    /// <param name="stems">Every stem of that target, star stems included.</param>
    /// <param name="name">The file name the target matched, from which the stems are found again once let go (null:
    /// they are kept).</param>
    public RuleMatch(Rule rule, int targetIndex, IReadOnlyDictionary<string, string> stems, string? name = null)
    {
        Rule = rule;
        TargetIndex = targetIndex;
        _stems = stems;
        Name = name;
    }

    public Rule Rule { get; }

    public int TargetIndex { get; }

    /// <summary>The file name the target matched (null when the match was made from stems alone).</summary>
    public string? Name { get; }

    public TargetSpec Target => Rule.Targets[TargetIndex];

    /// <summary>Every stem of the target, star stems included: matched again when they were let go (a caller that
    /// needs them several times keeps them).</summary>
    public IReadOnlyDictionary<string, string> Stems =>
        _stems ?? Target.Match(Name!) ?? throw new InvalidOperationException($"rule {Rule.Name} no longer matches {Name}");
    private IReadOnlyDictionary<string, string>? _stems;

    /// <summary>The job has what it needs of its stems for now: they are found again from the name when asked.</summary>
    public void LetGoOfStems()
    {
        if (Name != null) _stems = null;
    }
}
