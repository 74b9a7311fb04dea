// Sends a terminal's client how far its request is (ProgressReport), a few times a second and only when something
// changed: counts of the request's jobs by outcome, what the backends run and queue, the ETA (ProgressBoard). A
// timer rather than a report per status line: a build of thousands of short jobs costs a few reports a second,
// and a long quiet job still has its running count and ETA shown. Counters are read from the timer's thread as
// they are at that moment: a report a few milliseconds late is the next one's business.
using Lmake.Common.Protocol;
using Lmake.Server.Transport;

namespace Lmake.Server.Engine;

internal sealed class ProgressReporter : IDisposable
{
    private static readonly TimeSpan Period = TimeSpan.FromMilliseconds(250);

    private readonly MakeRequest _req;
    private readonly ProgressBoard _board;
    private readonly IClientOutput _output;
    private readonly Timer _timer;
    private readonly object _lock = new();
    private ProgressReport _last;
    private bool _stopped;

    public ProgressReporter(MakeRequest req, ProgressBoard board, IClientOutput output)
    {
        _req = req;
        _board = board;
        _output = output;
        _timer = new Timer(_ => Report(), null, Period, Period);
    }

    private void Report(bool last = false)
    {
        lock (_lock)
        {
            if (_stopped) return;
            _stopped = last;
            // (the last report is the request's end: nothing of it runs any more, whatever other requests run)
            var (running, queued, eta) = last ? (0, 0, null) : _board.Snapshot(DateTime.UtcNow);
            var report = new ProgressReport(Volatile.Read(ref _req.Done) + Volatile.Read(ref _req.Steady), Volatile.Read(ref _req.Failed),
                running, queued, eta is { } e ? new DateTimeOffset(e).ToUnixTimeMilliseconds() : 0);
            // (the ETA moves with the clock: only a move of a second or more is news)
            if (!last && report with { EtaUnixMs = 0 } == _last with { EtaUnixMs = 0 } && Math.Abs(report.EtaUnixMs - _last.EtaUnixMs) < 1000) return;
            _last = report;
            _output.Progress(report);
        }
    }

    /// <summary>Sends the final counts (the title keeps them); no report after this returns (the summary follows).</summary>
    public void Dispose()
    {
        Report(last: true);
        _timer.Dispose();
    }
}
