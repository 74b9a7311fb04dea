// A real terminal for the tests of what lmake shows on one (TerminalView): a tmux server of the test's own (its
// own socket), one pane of a known size running bash in the repo with the installed bin/ first on PATH. Keys are
// sent as a user types them; the screen is read back as text, with or without its colour escapes, and the pane's
// title as the terminal keeps it.
using System.Diagnostics;

namespace Lmake.EndToEnd.Tests;

public sealed class TmuxTerminal : IDisposable
{
    private readonly string _socket = $"lmake-test-{Environment.ProcessId}-{Guid.NewGuid():N}";

    public TmuxTerminal(string cwd, int width = 120, int height = 40, IDictionary<string, string>? env = null)
    {
        string exports = string.Join(" ", (env ?? new Dictionary<string, string>()).Select(kv => $"{kv.Key}='{kv.Value}'"));
        string shell = $"cd '{cwd}' && export PATH='{Path.Combine(Installed.Root, "bin")}':\"$PATH\" TERM=xterm-256color PS1='$ ' {exports} && exec bash --norc --noprofile";
        Tmux("new-session", "-d", "-s", "t", "-x", width.ToString(), "-y", height.ToString(), shell);
        Tmux("set-option", "-t", "t", "allow-rename", "off");
        WaitFor(s => s.Contains('$'), TimeSpan.FromSeconds(10));
    }

    /// <summary>Types a command line and Enter.</summary>
    public void Type(string line) => Tmux("send-keys", "-t", "t", "-l", line + "\n");

    /// <summary>The screen as text (trailing blanks dropped); with the escapes of its colours when asked.</summary>
    public string Screen(bool escapes = false) =>
        escapes ? Tmux("capture-pane", "-t", "t", "-p", "-e", "-S", "-200") : Tmux("capture-pane", "-t", "t", "-p", "-S", "-200");

    /// <summary>The title the programs in the pane set (OSC 0).</summary>
    public string Title() => Tmux("display-message", "-t", "t", "-p", "#{pane_title}").TrimEnd('\n');

    /// <summary>Waits until the screen satisfies <paramref name="seen"/>; fails the test with the screen after the timeout.</summary>
    public string WaitFor(Func<string, bool> seen, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            string screen = Screen();
            if (seen(screen)) return screen;
            if (clock.Elapsed > timeout) throw new Xunit.Sdk.XunitException($"the terminal never showed what was awaited; it shows:\n{screen}");
            Thread.Sleep(50);
        }
    }

    /// <summary>Runs a command line and waits for its end (an end marker with its exit code); returns the exit code.</summary>
    public int RunToEnd(string line, TimeSpan timeout)
    {
        string marker = $"END{Guid.NewGuid():N}"[..12];
        Type($"{line} ; echo {marker}=$?");
        // (the typed line shows the marker too, followed by "$?": only the echoed one has digits)
        var echoed = new System.Text.RegularExpressions.Regex(marker + @"=(\d+)");
        string screen = WaitFor(s => echoed.IsMatch(s), timeout);
        return int.Parse(echoed.Match(screen).Groups[1].Value);
    }

    private string Tmux(params string[] args)
    {
        CommandResult r = Installed.Run("tmux", ["-L", _socket, .. args], timeout: TimeSpan.FromSeconds(20));
        if (r.ExitCode != 0) throw new InvalidOperationException($"tmux {string.Join(' ', args)}: {r}");
        return r.Stdout;
    }

    public void Dispose()
    {
        try { Installed.Run("tmux", ["-L", _socket, "kill-server"], timeout: TimeSpan.FromSeconds(20)); }
        catch (Exception) { /* a server already gone must not fail a test */ }
    }
}
