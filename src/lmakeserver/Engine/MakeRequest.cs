// One client's `lmake` command while it runs: its options, its output, what it made, what to summarize.
using Lmake.Common.Checksums;
using Lmake.Common.Commands;
using Lmake.Server.Backends;
using Lmake.Server.Transport;

namespace Lmake.Server.Engine;

public sealed class MakeRequest
{
    public MakeRequest(IClientOutput output, CancellationToken cancelled, int ruleWidth, LmakeOptions options)
    {
        Options = options;
        Output = output;
        Cancelled = cancelled;
        RuleWidth = ruleWidth;
    }

    public IClientOutput Output { get; }
    public LmakeOptions Options { get; }
    public CancellationToken Cancelled { get; }
    public int RuleWidth { get; }
    public DateTime Start { get; } = DateTime.Now;
    /// <summary>lmake -j N: at most N jobs of this request run at once; null: as many as the resources allow.</summary>
    public JobCountLimit? JobLimit { get; init; }
    /// <summary>lmake -o: the asked targets, whose producer jobs show their stdout while they run; null without -o.</summary>
    public IReadOnlyList<Node>? LiveOutTargets { get; init; }

    // what this request made, when another live request holds the node's or job's own slot
    private readonly Dictionary<MemoSlot, Task<NodeResult>> _made = [];

    /// <summary>Set when the request ends: its slots in nodes and jobs are then free for the next one.</summary>
    public bool Finished { get; set; }

    public int NodesMade, JobsMade;

    /// <summary>The lmark marks that changed what this request did: repeated in the summary.</summary>
    public readonly SortedSet<string> MarksInUse = new(StringComparer.Ordinal);

    /// <summary>What each source held when this request first looked at it. A job that rewrites a source (source_ok,
    /// a formatter) may give it back the content a dependent saw: that dependent still saw it changed in this
    /// request (its deps are looked at together, not after the others are made) and runs.</summary>
    public readonly Dictionary<Node, FileChecksum> SourcesSeenFirst = [];

    public bool TryGetMade(MemoSlot item, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Task<NodeResult>? made)
    {
        if (item.MemoRequest == this) { made = item.MemoTask!; return true; }
        return _made.TryGetValue(item, out made);
    }

    /// <summary>Makes the node or job again in this request (a job polluted a file that was made already).</summary>
    public void ForgetMade(MemoSlot item)
    {
        if (item.MemoRequest == this) { item.MemoRequest = null; item.MemoTask = null; }
        else _made.Remove(item);
    }

    public void SetMade(MemoSlot item, Task<NodeResult> made)
    {
        if (item is Node) NodesMade++; else JobsMade++;
        if (item.MemoRequest is null || item.MemoRequest.Finished)
        {
            item.MemoRequest = this;
            item.MemoTask = made;
        }
        else _made[item] = made;
    }

    // summary counters: jobs by final status, with their exec time
    public int Done, Steady, Failed;
    public TimeSpan DoneTime, SteadyTime, FailedTime;

    public void Status(string status, string rule, TimeSpan? execTime, string name)
    {
        _quieted = Options.Quiet && !QuietKeeps.Contains(status);
        if (!_quieted) Output.Out(StatusLine.Format(DateTime.Now, status, rule, RuleWidth, execTime, name));
    }

    /// <summary>A line under the last status line (a note, a line of the job's stderr): it goes where its status line went.</summary>
    public void Detail(string line)
    {
        if (!_quieted) Output.Out(line);
    }

    public void Note(string text) => Detail(StatusLine.Note(text));

    /// <summary>A dep a job read is a file nothing makes that is there: said once per dep in error, with the fix.</summary>
    public void Dangling(string name)
    {
        Status("dangling", "src", null, name);
        Note($"consider : git add {name}");
    }

    // -q: the status lines of what went wrong, or of what lmake did to the user's files
    private static readonly HashSet<string> QuietKeeps = new(StringComparer.Ordinal)
        { "failed", "dep_error", "was_failed", "was_dep_error", "killed", "run_loop", "submit_loop", "missing",
          "dangling", "multi", "quarantined", "unlink" };
    private bool _quieted;
}
