// The status lines of spec A6: `HH:MM:SS <status> <rule> <exec time> <job name>`, in columns, on stdout.
// Scripts split them on white space; notes under a line start with two spaces, a job's stderr with a tab.
namespace Lmake.Server.Engine;

public static class StatusLine
{
    /// <summary>Wide enough for every status word (quarantined, early_rerun, submit_loop are the longest).</summary>
    private const int StatusWidth = 11;
    private const int TimeWidth = 7;

    public static string Format(DateTime at, string status, string rule, int ruleWidth, TimeSpan? execTime, string name)
    {
        string time = execTime is TimeSpan t ? FormatSeconds(t) : "";
        return $"{at:HH:mm:ss} {status.PadRight(StatusWidth)} {rule.PadRight(ruleWidth)} {time.PadLeft(TimeWidth)} {name}";
    }

    public static string FormatSeconds(TimeSpan t) =>
        t.TotalSeconds < 100 ? $"{t.TotalSeconds:0.000}s" : $"{t.TotalSeconds:0.0}s";

    public static string Note(string text) => "  " + text;

    public static string StderrLine(string text) => "\t" + text;
}
