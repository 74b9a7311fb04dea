// The status lines of spec A6: `HH:MM:SS <status> <rule> <exec time> <job name>`, in columns, on stdout.
// Scripts split them on white space; notes under a line start with two spaces, a job's stderr with a tab.
namespace Lmake.Server.Engine;

public static class StatusLine
{
    /// <summary>Wide enough for every status word (quarantined, early_rerun, submit_loop are the longest).</summary>
    private const int StatusWidth = 11;
    private const int TimeWidth = 7;

    /// <param name="host">console.host_len set: the host column after the date, cut or padded to its width
    /// (blank when no remote host ran the job).</param>
    public static string Format(DateTime at, string status, string rule, int ruleWidth, TimeSpan? execTime, string name,
        (string Name, int Width)? host = null)
    {
        string time = execTime is TimeSpan t ? FormatSeconds(t) : "";
        string column = host is var (h, w) && w > 0 ? (h.Length > w ? h[..w] : h.PadRight(w)) + " " : "";
        return $"{at:HH:mm:ss} {column}{status.PadRight(StatusWidth)} {rule.PadRight(ruleWidth)} {time.PadLeft(TimeWidth)} {name}";
    }

    public static string FormatSeconds(TimeSpan t) =>
        t.TotalSeconds < 100 ? $"{t.TotalSeconds:0.000}s" : $"{t.TotalSeconds:0.0}s";

    public static string Note(string text) => "  " + text;

    public static string StderrLine(string text) => "\t" + text;
}
