// Reads lmake's stdout the way scripts do (spec A6): status lines before the summary box, then the summary.
namespace Lmake.EndToEnd.Tests;

public sealed record Status(string Word, string Rule, string Name);

public sealed class LmakeOutput
{
    public LmakeOutput(CommandResult result)
    {
        Result = result;
        bool inSummary = false;
        foreach (string line in result.Stdout.Split('\n'))
        {
            if (line.StartsWith("+---", StringComparison.Ordinal)) { inSummary = true; continue; }
            if (inSummary) { Summary.Add(line); continue; }
            if (line.Length == 0 || !char.IsLetterOrDigit(line[0])) { Other.Add(line); continue; }
            // HH:MM:SS status rule [time] name; a line about the command itself (e.g. "target X is outside the repo") has no time
            string[] f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (!System.Text.RegularExpressions.Regex.IsMatch(f[0], @"^\d\d:\d\d:\d\d$")) { Other.Add(line); continue; }
            Statuses.Add(new Status(f[1], f[2], f[^1]));
        }
    }

    public CommandResult Result { get; }
    public List<Status> Statuses { get; } = [];
    public List<string> Summary { get; } = [];
    public List<string> Other { get; } = [];

    public IEnumerable<string> Words(string name) => Statuses.Where(s => s.Name == name).Select(s => s.Word);

    public IEnumerable<Status> Jobs => Statuses.Where(s => s.Rule != "src");

    /// <summary>How many status lines say <paramref name="word"/> (what open-lmake's scripts count).</summary>
    public int Count(string word) => Statuses.Count(s => s.Word == word);

    public override string ToString() => Result.ToString();
}
