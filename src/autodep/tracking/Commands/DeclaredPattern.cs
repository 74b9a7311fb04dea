// A regular expression given to `ldepend -X` / `ltarget -X`: the flags apply to every file of the job whose
// name (as in Access.Name) matches it as a whole, seen before or after the declaration.
namespace Lmake.Autodep;

/// <param name="Regex">.NET syntax, matched against the whole name (anchored at both ends).</param>
/// <param name="IsTarget">From ltarget (TargetFlags apply), else from ldepend (DepFlags apply).</param>
public sealed record DeclaredPattern(string Regex, bool IsTarget, DeclaredDepFlags DepFlags, DeclaredTargetFlags TargetFlags);
