// The in-job commands in the script ldebug runs: the job's command runs there with no runner behind it (no
// tracking, nothing built), and ldebug marks its environment with LMAKE_JOB_CHANNEL=ldebug so that its in-job
// commands answer by themselves rather than refuse as outside a job: declarations are accepted and recorded
// nowhere, every dep is up to date, a dep's checksum is what is on disk, listings are empty, and codec tables
// (a file or a dir: config keys are known only to the server) are read and written directly.
using System.Globalization;
using Lmake.Autodep;
using Lmake.Common.Checksums;

namespace Lmake.JobCommands;

internal static class DebugAnswers
{
    /// <summary>The value of $LMAKE_JOB_CHANNEL in the script of ldebug.</summary>
    public const string Channel = "ldebug";

    /// <summary>The results of an "ok" reply, as a runner would give them (see JobCommandRequest for the verbs).</summary>
    public static List<string> Call(string verb, IReadOnlyList<string> args)
    {
        try
        {
            switch (verb)
            {
                case "depend" when args.Count >= 3 && args[2] == "1":
                    var verdicts = new List<string>();
                    foreach (string name in args.Skip(3))
                    {
                        FileChecksum sum = FileChecksum.Of(Path.GetFullPath(name));
                        verdicts.AddRange([sum.Exists ? "ok" : "-", sum.ToString(), "0"]);
                    }
                    return verdicts;
                case "check_deps": return ["1"];
                case "encode":
                    return [CodecTable.Encode(Path.GetFullPath(args[0]), args[1], args[3], int.Parse(args[2], CultureInfo.InvariantCulture))];
                case "decode":
                    return [CodecTable.Decode(Path.GetFullPath(args[0]), args[1], args[2])
                        ?? throw new RequestFailedException($"no code {args[2]} in context {args[1]} of {args[0]}")];
                default: return [];   // depend, target, list_deps, list_targets
            }
        }
        catch (ArgumentException e) { throw new RequestFailedException(e.Message); }
        catch (IOException e) { throw new RequestFailedException(e.Message); }
        catch (UnauthorizedAccessException e) { throw new RequestFailedException(e.Message); }
    }
}
