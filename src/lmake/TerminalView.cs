// What lmake shows on a terminal beyond the status lines (issue 16): the lines in colour (StatusColors), a live
// bottom line with the counts of the request's jobs and the ETA the server reports (ProgressReport), and the same
// in the terminal's title. The bottom line is never part of the output: it is erased before each line is written
// and drawn again after it, so that what scrolls up is exactly the status lines. Only used when stdout is a
// terminal and --plain was not given; NO_COLOR (no-color.org) leaves the progress and takes the colours away.
using System.Text;
using Lmake.Common.Protocol;

namespace Lmake.Client;

internal sealed class TerminalView(OutputSink stdout, bool colors, string command)
{
    private static ReadOnlySpan<byte> EraseLine => "\r\e[2K"u8;

    private ProgressReport? _last;
    private bool _drawn;   // the bottom line is on the screen

    /// <summary>A line for stdout, coloured as its status word says.</summary>
    public void Line(ReadOnlySpan<byte> line)
    {
        Erase();
        byte[]? color = colors ? StatusColors.Of(line) : null;
        if (color == null) stdout.WriteLine(line);
        else
        {
            stdout.Write(color);
            stdout.Write(line);
            stdout.Write(StatusColors.Reset);
            stdout.WriteLine([]);
        }
        Draw();
    }

    /// <summary>Before a line goes to stderr (the same terminal, most often): the bottom line is taken away first.</summary>
    public void BeforeStderr()
    {
        Erase();
        stdout.Flush();
    }

    /// <summary>After that line: the bottom line comes back.</summary>
    public void AfterStderr() => Draw();

    public void Progress(ProgressReport report)
    {
        _last = report;
        stdout.Write(Encoding.UTF8.GetBytes($"\e]0;{command}: {Counts(report)}{Eta(report, DateTime.Now, withClock: false)}\a"));
        Draw();   // (it erases what the bottom line showed before)
    }

    /// <summary>The request is over: the bottom line goes, the title keeps the last counts.</summary>
    public void Finish() => Erase();

    private void Erase()
    {
        if (!_drawn) return;
        stdout.Write(EraseLine);
        _drawn = false;
    }

    private void Draw()
    {
        if (_last is not { } report) return;
        string text = $"[{Counts(report)}]{Eta(report, DateTime.Now, withClock: true)}";
        int width = TerminalWidth();
        if (text.Length >= width) text = text[..Math.Max(0, width - 1)];   // one line: a wrapped line could not be erased
        stdout.Write(EraseLine);
        stdout.Write(Encoding.UTF8.GetBytes(text));
        _drawn = true;
    }

    internal static string Counts(ProgressReport r) =>
        $"done {r.Done}, failed {r.Failed}, running {r.Running}, queued {r.Queued}";

    /// <summary>" ETA 17:45:10 (3m05s left)" (the clock only on the bottom line), or nothing without an estimate.</summary>
    internal static string Eta(ProgressReport r, DateTime now, bool withClock)
    {
        if (r.EtaUnixMs == 0 || r.Running + r.Queued == 0) return "";
        DateTime eta = DateTimeOffset.FromUnixTimeMilliseconds(r.EtaUnixMs).LocalDateTime;
        // (whole seconds, rounded up: "0s left" only once nothing is)
        TimeSpan left = TimeSpan.FromSeconds(Math.Max(0, Math.Ceiling((eta - now).TotalSeconds)));
        string ete = left.TotalHours >= 1 ? $"{(int)left.TotalHours}h{left.Minutes:00}m" : left.TotalMinutes >= 1 ? $"{left.Minutes}m{left.Seconds:00}s" : $"{left.Seconds}s";
        return withClock ? $" ETA {eta:HH:mm:ss} ({ete} left)" : $" ({ete} left)";
    }

    private static int TerminalWidth()
    {
        try { return Console.WindowWidth > 0 ? Console.WindowWidth : 80; }
        catch (Exception e) when (e is IOException or PlatformNotSupportedException) { return 80; }
    }
}
