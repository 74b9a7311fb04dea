// One static dep of a rule: its f-string (as parts when the server can substitute it, else evaluated by the
// python helper for each job) and its flags.
namespace Lmake.Server.Rules;

public sealed class DepSpec
{
    public string Key { get; }
    /// <summary>The f-string as written; null when the dep is a function.</summary>
    public string? Text { get; }
    /// <summary>Null when the python helper must compute it.</summary>
    public Template? Native { get; }
    public DepFlags Flags { get; }
    public bool IsSide { get; }
    public bool IsStdin { get; }                // `dep =`: the job's stdin

    internal DepSpec(string key, string? text, Template? native, DepFlags flags, bool isSide, bool isStdin)
    {
        Key = key; Text = text; Native = native; Flags = flags; IsSide = isSide; IsStdin = isStdin;
    }
}
