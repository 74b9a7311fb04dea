// What a job runs: its command line, and the script alone (its last argument, for lshow -c, ldebug and the cache key).
namespace Lmake.Server.Rules;

/// <param name="Argv">shell... -c script, or python... -c script (the stems, targets and deps as globals, then the cmd by value).</param>
/// <param name="Script">The script alone (the last element of Argv).</param>
public sealed record JobCommand(string[] Argv, string Script);
