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

    private DateTime _eta, _etaAsked;

    /// <summary>When this request should be over (eta.md): its start plus lmake -E, else what the backends hold is
    /// estimated to end (worked out at most once a second: it walks every job they hold), else now.</summary>
    public DateTime EtaUtc(ProgressBoard board)
    {
        if (Options.Ete is TimeSpan ete) return Start.ToUniversalTime() + ete;
        DateTime now = DateTime.UtcNow;
        if (now - _etaAsked >= TimeSpan.FromSeconds(1))
        {
            _etaAsked = now;
            _eta = board.Snapshot(now).Eta ?? now;
        }
        return _eta;
    }

    // what this request made, when another live request holds the node's or job's own slot
    private readonly Dictionary<MemoSlot, Task<NodeResult>> _made = [];

    /// <summary>Set when the request ends: its slots in nodes and jobs are then free for the next one.</summary>
    public bool Finished
    {
        get => _finished;
        set
        {
            _finished = value;
            if (value) _onCancel.Dispose();
        }
    }
    private bool _finished;

    // the runs this request waits for the end of (how many times: a job may be waited for twice): its ^C leaves
    // each of them, through one cancel registration per request rather than one per job waiting (issue 18: a full
    // build queues every job at once)
    private readonly Dictionary<RunningJob, int> _waitingFor = [];
    private CancellationTokenRegistration _onCancel;
    private SynchronizationContext? _engine;

    /// <summary>This request's ^C made it leave the runs it waited for: a waiter whose run goes on for others
    /// stops waiting.</summary>
    public bool LeftRuns { get; private set; }

    /// <summary>On the engine thread: the request waits for the end of the run (it joined it).</summary>
    internal void WaitFor(RunningJob running)
    {
        HookCancel();
        _waitingFor[running] = _waitingFor.GetValueOrDefault(running) + 1;
    }

    /// <summary>On the engine thread: the request waits in the gate to the backends (RunAdmission), which it leaves
    /// on ^C.</summary>
    internal void LeavesGate(RunAdmission gate)
    {
        HookCancel();
        _gate = gate;
    }
    private RunAdmission? _gate;

    private void HookCancel()
    {
        if (_engine != null || !Cancelled.CanBeCanceled) return;
        _engine = SynchronizationContext.Current;
        _onCancel = Cancelled.UnsafeRegister(static r => ((MakeRequest)r!).OnCancel(), this);
    }

    /// <summary>The request no longer waits for the run (it ended, or the request left it).</summary>
    internal void DoneWaiting(RunningJob running)
    {
        if (!_waitingFor.TryGetValue(running, out int n)) return;
        if (n > 1) _waitingFor[running] = n - 1;
        else _waitingFor.Remove(running);
    }

    // on a transport thread: handed to the engine thread, where the runs are
    private void OnCancel()
    {
        if (_engine is { } engine) engine.Post(static r => ((MakeRequest)r!).LeaveRuns(), this);
        else LeaveRuns();
    }

    /// <summary>The request leaves each run it waits for: the last request to leave a run stops it (its waiters
    /// wait for its end: killed); one that goes on for others wakes its waiters (this request's say continue).</summary>
    internal void LeaveRuns()
    {
        LeftRuns = true;
        _gate?.Leave(this);
        foreach ((RunningJob running, int n) in _waitingFor.ToArray())
            for (int i = 0; i < n && !running.HasEnded; i++) running.Leave();
        _waitingFor.Clear();
    }

    public int NodesMade, JobsMade;

    /// <summary>The lmark marks that changed what this request did: repeated in the summary.</summary>
    public readonly SortedSet<string> MarksInUse = new(StringComparer.Ordinal);
    /// <summary>Hand edits of jobs' outputs moved to LMAKE/quarantine/ by runs due for another reason: said in the summary.</summary>
    public readonly SortedSet<string> QuarantinedEdits = new(StringComparer.Ordinal);

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

    /// <summary>What a node met again while it is being made waits for: nothing ends it (see Engine.UnlessStuck).</summary>
    public Task<NodeResult> NeverMade => _neverMade.Task;
    private readonly TaskCompletionSource<NodeResult> _neverMade = new();

    /// <summary>Runs that ended and wait for the deps they discovered: each records its run when the request is stuck.</summary>
    public readonly List<Action> RunsWaitingForDeps = [];

    // the nodes and jobs whose making did not end at once, in the order they were started (said when stuck)
    private readonly List<(MemoSlot Item, Task<NodeResult> Made)> _pending = [];

    /// <summary>The nodes and jobs this request started making that are not made yet, outermost first.</summary>
    public IEnumerable<MemoSlot> StillMaking()
    {
        var seen = new HashSet<MemoSlot>();
        for (int i = _pending.Count - 1; i >= 0; i--)
            if (!_pending[i].Made.IsCompleted && seen.Add(_pending[i].Item)) yield return _pending[i].Item;
    }

    public void SetMade(MemoSlot item, Task<NodeResult> made)
    {
        if (item is Node) NodesMade++; else JobsMade++;
        if (!made.IsCompleted)
        {
            if (_pending.Count >= _settleAt) SettlePending();
            _pending.Add((item, made));
        }
        if (item.MemoRequest is null || item.MemoRequest.Finished)
        {
            item.MemoRequest = this;
            item.MemoTask = made;
        }
        else _made[item] = made;
    }

    // _pending is settled when it reaches this size (then twice what is left): amortized, a few steps per item
    private int _settleAt = 1024;

    // ... and when an eighth of it (at least 256) ran since the last time: in a full build every job is pending from
    // the start, and without this the tasks of those that ended stayed in their memos until the request's end
    // (10,000 files: 11 MB, the peak of the build)
    private int _ranSinceSettle;

    /// <summary>A job of this request ended its runs: its making and those waiting for it are about to end.</summary>
    public void RunsEnded()
    {
        if (++_ranSinceSettle < Math.Max(256, _pending.Count / 8)) return;
        Settle();
    }

    /// <summary>What is made is kept as its result alone from now on (before a collection: HeapTrim.DuringBuild).</summary>
    public void Settle()
    {
        _ranSinceSettle = 0;
        SettlePending();
    }

    /// <summary>The items of _pending made since are dropped from it, and their memo holds their result as a small
    /// completed task (a shared one when it has no error to say) instead of the task of the method that made it:
    /// that task held the method's whole suspended state, 300 to 500 bytes a job or node, until the request ended.</summary>
    private void SettlePending()
    {
        int kept = 0;
        for (int i = 0; i < _pending.Count; i++)
        {
            (MemoSlot item, Task<NodeResult> made) = _pending[i];
            if (!made.IsCompleted) { _pending[kept++] = (item, made); continue; }
            if (!made.IsCompletedSuccessfully) continue;   // (a cancelled request: its memo is let go as it is)
            if (item.MemoRequest == this && item.MemoTask == made) item.MemoTask = NodeResults.Completed(made.Result);
            else if (_made.TryGetValue(item, out Task<NodeResult>? memo) && memo == made) _made[item] = NodeResults.Completed(made.Result);
        }
        _pending.RemoveRange(kept, _pending.Count - kept);
        // a full build's list held every node and job at first: what it no longer needs goes back once a quarter is used
        if (_pending.Count < _pending.Capacity / 4) _pending.Capacity = Math.Max(2 * _pending.Count, 16);
        _settleAt = Math.Max(1024, 2 * kept);
    }

    // summary counters: jobs by final status, with their exec time
    public int Done, Steady, Failed;
    /// <summary>Jobs that failed while the repo's disk was full: the request ends with ExitCode.SyscallFailed.</summary>
    public int FailedOnFullDisk;
    public TimeSpan DoneTime, SteadyTime, FailedTime;

    /// <summary>lmake.config.console.host_len: the width of the column of the host a job ran on (null: no column).</summary>
    public int? HostLen { get; init; }

    /// <param name="host">Where the job ran, for a job of a remote backend (shown when <see cref="HostLen"/> is set).</param>
    public void Status(string status, string rule, TimeSpan? execTime, string name, string? host = null)
    {
        _quieted = Options.Quiet && !QuietKeeps.Contains(status);
        if (!_quieted) Output.Out(StatusLine.Format(DateTime.Now, status, rule, RuleWidth, execTime, name, HostLen is int w ? (host ?? "", w) : null));
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
