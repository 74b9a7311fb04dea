// What an lmake client shows its user, recorded for the engine's tests: every line, the status lines split into
// their words (`HH:MM:SS status rule [time] name`), and a way to wait until some line is shown (to order a test
// after what the engine did, without sleeping).
using System.Text.RegularExpressions;
using Lmake.Server.Transport;

namespace Lmake.Server.Tests.Engine;

public sealed record Status(string Word, string Rule, string Name)
{
    public override string ToString() => $"{Word} {Rule} {Name}";
}

public sealed partial class RecordingClient : IClientOutput
{
    private readonly List<string> _lines = [];
    private readonly List<(Func<string, bool> Match, TaskCompletionSource Seen)> _waits = [];

    public void Out(string line) => Add(line);
    public void Err(string line) => Add(line);

    /// <summary>The progress reports a terminal's client would draw (only sent to one).</summary>
    public void Progress(Lmake.Common.Protocol.ProgressReport report)
    {
        lock (_lines) _progress.Add(report);
    }
    private readonly List<Lmake.Common.Protocol.ProgressReport> _progress = [];
    public IReadOnlyList<Lmake.Common.Protocol.ProgressReport> ProgressReports
    {
        get { lock (_lines) return _progress.ToList(); }
    }

    private void Add(string line)
    {
        lock (_lines)
        {
            _lines.Add(line);
            foreach (var w in _waits.Where(w => w.Match(line)).ToList())
            {
                _waits.Remove(w);
                w.Seen.TrySetResult();
            }
        }
    }

    public IReadOnlyList<string> Lines
    {
        get { lock (_lines) return _lines.ToList(); }
    }

    [GeneratedRegex(@"^\d\d:\d\d:\d\d ")]
    private static partial Regex StatusStart();

    /// <summary>The status lines, in order.</summary>
    public IReadOnlyList<Status> Statuses => Lines.Where(l => StatusStart().IsMatch(l)).Select(Parse).ToList();

    /// <summary>The status lines as "status rule name", for Assert.Equal on the whole sequence.</summary>
    public IReadOnlyList<string> StatusTexts => Statuses.Select(s => s.ToString()).ToList();

    private static Status Parse(string line)
    {
        string[] words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return new Status(words[1], words[2], words[^1]);
    }

    /// <summary>Ends when a status line with this status word for this name has been shown.</summary>
    public Task Shown(string status, string name) => WaitFor(l => StatusStart().IsMatch(l) && Parse(l) is var s && s.Word == status && s.Name == name);

    private Task WaitFor(Func<string, bool> match)
    {
        lock (_lines)
        {
            if (_lines.Any(match)) return Task.CompletedTask;
            var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waits.Add((match, seen));
            return seen.Task;
        }
    }
}
