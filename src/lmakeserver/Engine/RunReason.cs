// Why a job must run: the words lmake -v and lshow -i show, and, when that is the whole reason, the target a user
// edited by hand (TargetClearing says the quarantine of such an edit as a status line, and that of an edit a run due
// for another reason sweeps away in the summary).
namespace Lmake.Server.Engine;

public sealed record RunReason(string Text, string? EditedTarget = null)
{
    // every other reason is its words alone (null: no reason)
    [return: System.Diagnostics.CodeAnalysis.NotNullIfNotNull(nameof(text))]
    public static implicit operator RunReason?(string? text) => text is null ? null : new(text);

    /// <summary>The reasons of whole builds (a first one, a new command for a rule), made once: every job of the build
    /// holds its reason while it waits to run.</summary>
    public static readonly RunReason NeverRan = new("never ran"), CommandChanged = new("command changed");

    public static RunReason TargetModified(string name) => new($"target {name} was modified", name);

    public override string ToString() => Text;
}
