// The Progress message (server -> client, only to a client whose stdout is a terminal): how far the request is,
// for the live bottom line and the terminal title (issue 16). Not a status line: nothing of it reaches a pipe.
//
// Payload: Int done, Int failed, Int running, Int queued, Long eta (Unix ms; 0 when no job left has an estimate).
namespace Lmake.Common.Protocol;

/// <param name="Done">jobs of the request that ended ok (done, steady, from a cache)</param>
/// <param name="Failed">jobs of the request that ended in error</param>
/// <param name="Running">jobs the backends run now</param>
/// <param name="Queued">jobs handed to a backend that have not started yet</param>
/// <param name="EtaUnixMs">when the jobs known to be left should be over (eta.md), 0: unknown</param>
public readonly record struct ProgressReport(int Done, int Failed, int Running, int Queued, long EtaUnixMs)
{
    public PayloadWriter Encode() => new PayloadWriter().Int(Done).Int(Failed).Int(Running).Int(Queued).Long(EtaUnixMs);

    public static ProgressReport Decode(Frame frame)
    {
        if (frame.Kind != MessageKind.Progress) throw new ProtocolException($"expected a progress report, got {frame.Kind}");
        PayloadReader r = frame.Reader();
        var report = new ProgressReport(r.Int(), r.Int(), r.Int(), r.Int(), r.Long());
        if (!r.AtEnd) throw new ProtocolException("progress report longer than its content");
        return report;
    }
}
