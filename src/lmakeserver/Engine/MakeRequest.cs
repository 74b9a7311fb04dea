// One client's `lmake` command while it runs: its options, its output, what it made, what to summarize.
using Lmake.Server.Transport;

namespace Lmake.Server.Engine;

public sealed class MakeRequest
{
    public MakeRequest(IClientOutput output, CancellationToken cancelled, int ruleWidth)
    {
        Output = output;
        Cancelled = cancelled;
        RuleWidth = ruleWidth;
    }

    public IClientOutput Output { get; }
    public CancellationToken Cancelled { get; }
    public int RuleWidth { get; }
    public DateTime Start { get; } = DateTime.Now;

    public readonly Dictionary<Node, Task<NodeResult>> NodeMemo = [];
    public readonly Dictionary<Job, Task<NodeResult>> JobMemo = [];

    // summary counters: jobs by final status, with their exec time
    public int Done, Steady, Failed;
    public TimeSpan DoneTime, SteadyTime, FailedTime;

    public void Status(string status, string rule, TimeSpan? execTime, string name) =>
        Output.Out(StatusLine.Format(DateTime.Now, status, rule, RuleWidth, execTime, name));

    public void Note(string text) => Output.Out(StatusLine.Note(text));
}
