// The user commands the lmake executable answers to (links in bin/), with what `-h` says of them. Those
// other than lmake forward their arguments to the server as typed; AdminCommandLines defines their options.

namespace Lmake.Common.Commands;

public static class CommandCatalog
{
    public static readonly IReadOnlyDictionary<string, string> AdminCommands = new Dictionary<string, string>
    {
        ["lshow"] = "show what lmake knows of files and jobs",
        ["lforget"] = "forget deps, star targets or resources of jobs",
        ["lmark"] = "freeze files or jobs, or mark them no-trigger",
        ["ldebug"] = "run a job interactively from its script",
        ["lcollect"] = "remove generated files no job claims any more",
        ["lmake_repair"] = "rebuild the state from the files on disk",
    };

    /// <summary>-h / --version of an admin command, answered locally like lmake's (every option listed).</summary>
    public static bool TryAnswerLocally(string command, string[] args, TextWriter output) =>
        AdminCommandLines.TryAnswerLocally(command, args, output);
}
