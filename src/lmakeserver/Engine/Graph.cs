// The engine's state for one repo: nodes by name, jobs by key, the rules they are resolved under.
using Lmake.Common.Checksums;
using Lmake.Common.Files;
using Lmake.Server.Backends;
using Lmake.Server.Disk;
using Lmake.Server.Rules;
using Lmake.Server.State;

namespace Lmake.Server.Engine;

public sealed class Graph
{
    private readonly Dictionary<string, Node> _nodes;
    private readonly Dictionary<string, Node>.AlternateLookup<ReadOnlySpan<char>> _nodesBySpan;
    // by store id, which the store gives from 1 up: an array costs a reference a node, a dictionary three times that;
    // the ids a read-only store makes up for names it does not have (GraphStore.TransientId) are apart
    private Node?[] _nodesById;
    private Dictionary<uint, Node>? _transientNodes;
    // by rule name and job name: a job's key (RULE/NAME) is not kept as a string of its own (issue 18: ~80 bytes a job)
    private readonly Dictionary<(string Rule, string Name), Job> _jobs;
    private readonly GraphStore _store;
    private readonly HashSet<string> _sources = new(StringComparer.Ordinal);
    private string[] _sourceDirs = [];

    /// <summary>The source dirs outside the repo, which the shim reports by absolute name (given to every job).</summary>
    /// <summary>The source dirs outside the repo, as jobs' trackers see them.</summary>
    public OutsideSourceDirs OutsideSourceDirs { get; private set; } = OutsideSourceDirs.None;

    /// <param name="serving">A server's graph, which lives across requests: its tables are sized for a request
    /// of the whole repo and the directories it stats are watched. A one-shot command (lshow without a server,
    /// lmake_repair) would pay both for nothing.</param>
    /// <param name="disk">The repo's files (default: the file system; tests give an in-memory one).</param>
    public Graph(string repoRoot, GraphStore store, bool serving = false, IRepoDisk? disk = null)
    {
        RepoRoot = repoRoot;
        _store = store;
        Progress = new ProgressBoard();
        Admission = new RunAdmission(Progress);
        Disk = disk ?? new RealDisk(repoRoot, new LmakeDir(repoRoot));
        // sized for what the store knows: a no-op of the whole repo meets every node, and growing these one
        // doubling at a time was a tenth of what a new server allocated for it
        int nodes = serving ? (int)Math.Min(store.NodeCount, int.MaxValue / 2) : 0;
        _nodes = new(nodes, StringComparer.Ordinal);
        _nodesBySpan = _nodes.GetAlternateLookup<ReadOnlySpan<char>>();
        _nodesById = new Node?[nodes == 0 ? 0 : nodes + 1];
        _jobs = new(serving ? (int)Math.Min(store.JobCount, int.MaxValue / 2) : 0);
        _watch = serving && Disk is RealDisk && Environment.GetEnvironmentVariable("LMAKE_NO_WATCH") == null ? DirectoryWatch.Open(repoRoot) : null;
    }

    /// <summary>At a new server's start, before the saved rules are read: the lstats of the files the store knows are
    /// made ahead on another thread (StatPrefetch). The store is not to be used until <see cref="AwaitPrefetchNames"/>.</summary>
    public void StartPrefetch()
    {
        if (_watch != null && _prefetch == null && _store.Writable) _prefetch = StatPrefetch.Start(_store, Disk, _watch);
    }

    /// <summary>The prefetch read what it needed of the store: the engine may use it.</summary>
    public void AwaitPrefetchNames() => _prefetch?.AwaitNamesRead();

    /// <summary>The prefetch looked at every file it could (a test then knows what it has).</summary>
    public void AwaitPrefetchDone() => _prefetch?.AwaitDone();

    /// <summary>How many lstats were taken from the prefetch rather than made when needed.</summary>
    public int StatsTakenAhead { get; private set; }

    /// <summary>The first request is over: what was not taken is not wanted any more.</summary>
    public void StopPrefetch()
    {
        _prefetch?.Stop();
        _prefetch = null;
    }

    private StatPrefetch? _prefetch;

    /// <summary>Which nodes cannot have changed since last stat'ed (null: inotify unavailable, or LMAKE_NO_WATCH
    /// set to compare): a no-op request then costs no lstat per node.</summary>
    private readonly DirectoryWatch? _watch;

    /// <summary>The repo's files, as the engine stats, hashes, removes and quarantines them.</summary>
    public IRepoDisk Disk { get; }

    public string RepoRoot { get; }
    public Makefiles? Makefiles { get; private set; }
    public RuleIndex? Index { get; private set; }
    public RuleEvaluator? Evaluator { get; private set; }
    public int Generation { get; private set; }

    /// <summary>Runs handed to a backend whose end the engine thread has not taken in yet: while there is none, a
    /// request still waiting waits on itself (a cycle of deps).</summary>
    public int RunningJobs;
    /// <summary>The runs handed to backends, for the progress a terminal shows.</summary>
    public ProgressBoard Progress { get; }
    /// <summary>The gate runs pass before their backend (a full build does not hand every job to it at once).</summary>
    public RunAdmission Admission { get; }

    public IEnumerable<Node> Nodes => _nodes.Values;
    public IEnumerable<Job> Jobs => _jobs.Values;
    public IReadOnlyCollection<string> Sources => _sources;

    /// <summary>Width of the rule column of status lines: the longest rule name (and `src`).</summary>
    public int RuleWidth { get; private set; } = 3;

    public void SetMakefiles(Makefiles makefiles, RuleEvaluator evaluator)
    {
        Evaluator?.Dispose();
        Makefiles = makefiles;
        Evaluator = evaluator;
        Index = new RuleIndex(makefiles.Rules);
        var changedSides = new List<string>();   // files that stop or start being sources
        if (_sources.Count > 0)
        {
            var now = new HashSet<string>(makefiles.Sources, StringComparer.Ordinal);
            foreach (string s in _sources) if (!now.Contains(s)) changedSides.Add(s);
            // a file that becomes a source (it was a frozen file, a file nothing made...) is new as a source
            foreach (string s in makefiles.Sources) if (!_sources.Contains(s)) changedSides.Add(s);
        }
        _sources.Clear();
        _sources.UnionWith(makefiles.Sources);
        // a file that stops being a source is no longer looked after: listed again later, it is new again
        foreach (string name in changedSides)
        {
            Node n = Node(name);
            n.Known = false;
            Save(n);
        }
        _sourceDirs = makefiles.SourceDirs.ToArray();
        OutsideSourceDirs = new OutsideSourceDirs(_sourceDirs, RepoRoot);
        RuleWidth = Math.Max(3, makefiles.Rules.Select(r => r.Name.Length).DefaultIfEmpty(0).Max());
        Generation++;
        Epoch++;   // a resolution that looked at the disk under the old rules is not reused (Resolver.DiskKey)
    }

    /// <summary>lmark changed the marks: a frozen file may now be a source, or no more: every name is resolved again.</summary>
    public void MarksChanged() => Generation++;

    /// <summary>Files that were sources under <paramref name="previous"/> and are no more: forgotten as sources,
    /// so that one listed again is `new` again (what was seen of it while it was not a source says nothing).</summary>
    public void ForgetFormerSources(IReadOnlyList<string>? previous)
    {
        if (previous == null) return;
        foreach (string name in previous)
        {
            if (_sources.Contains(name)) continue;
            Node node = Node(name);
            if (!node.Known) continue;
            node.Known = false;
            Save(node);
        }
    }

    public Node Node(string name)
    {
        if (!_nodes.TryGetValue(name, out Node? node))
        {
            // a source's node holds the name the list of sources holds: one string per source, not two
            if (_sources.TryGetValue(name, out string? listed)) name = listed;
            node = new Node(_store.NodeId(name), name);
            StoredState.Load(_store, node);
            _nodes.Add(name, node);
            if (node.Id >= GraphStore.FirstTransientId) (_transientNodes ??= [])[node.Id] = node;
            else
            {
                if (node.Id >= _nodesById.Length) Array.Resize(ref _nodesById, (int)Math.Max(node.Id + 1, 2L * _nodesById.Length));
                _nodesById[node.Id] = node;
            }
        }
        return node;
    }

    /// <summary>The node of a name given as a part of a longer one: no string is made when it is known.</summary>
    public Node Node(ReadOnlySpan<char> name) => _nodesBySpan.TryGetValue(name, out Node? node) ? node : Node(name.ToString());

    public Node NodeById(uint id) =>
        id < _nodesById.Length && _nodesById[id] is Node node ? node
        : _transientNodes != null && _transientNodes.TryGetValue(id, out Node? transient) ? transient
        : Node(_store.NodeName(id));

    public void Save(Node node) => StoredState.Save(_store, node);

    /// <summary>The store itself, for the admin commands that scan every record.</summary>
    public GraphStore Store => _store;

    /// <summary>lmark's marks (LMAKE/marks), re-read when the file changed.</summary>
    public Marks Marks => _marks ??= new Marks(RepoRoot);
    private Marks? _marks;

    public void Save(Job job) => StoredState.Save(_store, job);

    public void Flush() => _store.Flush();

    public bool TryGetNode(string name, out Node node) => _nodes.TryGetValue(name, out node!);

    // the name as a node of the graph holds it, null when no node has it yet (JobPlan.ShareNames)
    private string? KnownName(string name) => _nodes.TryGetValue(name, out Node? node) ? node.Name : null;
    private Func<string, string?>? _knownName;

    public Job Job(RuleMatch match, JobPlan plan)
    {
        Job job = JobNamed(match, plan.JobName, plan, out bool known);
        if (known) job.Match = match;
        SetPlan(job, plan);
        return job;
    }

    /// <summary>The job of a match of a rule planned natively, without a plan (JobShape): one is made when needed.
    /// <paramref name="name"/> is its job name (the string of the file it makes when they are the same);
    /// <paramref name="statics"/>, its static deps' nodes when the caller has them, in order.</summary>
    public Job Job(RuleMatch match, string name, Node[]? statics)
    {
        Job job = JobNamed(match, name, null, out bool known);
        // the same rule and job name are the same stems: what it has still holds; another rule (the Lmakefile
        // changed) plans it anew
        if (known && job.Match.Rule != match.Rule) job.Rematched(match);
        if (statics != null && !ReferenceEquals(job.StaticNodesOf, job.Match))
        {
            job.StaticNodes = statics;
            job.StaticNodesOf = job.Match;
        }
        return job;
    }

    /// <summary>The job of this rule and job name; a new one (<paramref name="known"/> false) is loaded from the store.</summary>
    private Job JobNamed(RuleMatch match, string name, JobPlan? plan, out bool known)
    {
        known = _jobs.TryGetValue((match.Rule.Name, name), out Job? job);
        if (known) return job!;
        job = new Job(_store.JobId(Lmake.Server.Engine.Job.KeyOf(match.Rule.Name, name)), name, match, plan);
        StoredState.Load(_store, job, NodeById);
        _jobs.Add((match.Rule.Name, name), job);
        return job;
    }

    /// <summary>The job's plan from now on, with what the files its dynamic attributes read hold now (the plan was
    /// computed from them just before).</summary>
    public void SetPlan(Job job, JobPlan plan)
    {
        plan.ShareNames(_knownName ??= KnownName);
        job.Plan = plan;
        IReadOnlyList<string> reads = plan.DynamicReads;
        var seen = reads.Count == 0 ? [] : new FileChecksum[reads.Count];
        for (int i = 0; i < seen.Length; i++) seen[i] = DiskChecksum(Node(reads[i]));
        job.PlanReadsSeen = seen;
    }

    public bool IsSource(string name)
    {
        if (_sources.Contains(name)) return true;
        foreach (string dir in _sourceDirs)
            if (name.StartsWith(dir, StringComparison.Ordinal)) return true;
        return false;
    }

    /// <summary>Starts a new request epoch: every file will be looked at again, once.</summary>
    public int Epoch { get; private set; } = 1;

    public void NewEpoch()
    {
        Epoch++;
        _watch?.Drain();   // what happened before the request is seen by it
    }

    /// <summary>A job wrote or removed this file: look at the disk again.</summary>
    public static void Invalidate(Node node)
    {
        node.CheckedEpoch = 0;
        node.WatchSeq = DirectoryWatch.Invalidated;   // its events may not be read yet (nor is a stat made ahead of use)
    }

    /// <summary>The checksum on disk now, recomputed only when the modification date moved.</summary>
    public FileChecksum Refresh(Node node)
    {
        if (node.CheckedEpoch == Epoch) return node.Checksum;
        if (node.IsCodec) return RefreshCodec(node);
        node.CheckedEpoch = Epoch;
        if (_watch != null)
        {
            if (node.Known && _watch.Unchanged(node)) return node.Checksum;
            // (a new server's first look at a file: the lstat made ahead, when nothing happened since where it is)
            if (node.Known && _prefetch != null && node.WatchDir == null && node.WatchSeq == 0
                && _prefetch.TryTake(node.Id, out long ahead) && ahead == node.Date
                && _watch.StatingAsOf(node, _prefetch.AsOf, _prefetch.WatchOf))
            {
                StatsTakenAhead++;
                return node.Checksum;
            }
            _watch.Stating(node);
        }
        var (checksum, date) = OnDisk(node);
        if (node.Known && date == node.Date) return node.Checksum;
        node.Checksum = checksum;
        node.Date = date;
        node.Known = true;
        Save(node);
        return node.Checksum;
    }

    /// <summary>The checksum on disk now, without recording it (a snapshot of what a job saw).</summary>
    public FileChecksum DiskChecksum(Node node) => node.IsCodec ? Codecs.EntryChecksum(node.Name) : OnDisk(node).Checksum;

    /// <summary>The codec tables served to jobs, whose associations are nodes (CodecNames).</summary>
    public CodecTables Codecs => _codecs ??= new CodecTables(this);
    private CodecTables? _codecs;

    /// <summary>An association's checksum is what its table holds now; the node keeping a table's state is left
    /// as CodecTables set it.</summary>
    private FileChecksum RefreshCodec(Node node)
    {
        if (!CodecNames.IsEntry(node.Name)) return node.Checksum;
        // (not kept for the request: a table read again or added to changes it, and it costs a lookup)
        FileChecksum now = Codecs.EntryChecksum(node.Name);
        if (node.Known && now == node.Checksum) return now;
        node.Checksum = now;
        node.Known = true;
        Save(node);
        return now;
    }

    /// <summary>One lstat, and the content hashed only when the date says it may have changed.</summary>
    private (FileChecksum Checksum, long Date) OnDisk(Node node)
    {
        FileStat stat = Disk.Stat(node.Name);
        long date = DateOf(stat);
        if (node.Known && date == node.Date) return (node.Checksum, date);
        return (Disk.Checksum(node.Name, stat), date);
    }

    /// <summary>A regular file, an executable or a symlink (even dangling) is at this repo name now.</summary>
    public bool IsFileOnDisk(string name) =>
        Disk.Stat(name).Kind is StatKind.Regular or StatKind.Executable or StatKind.Symlink;

    /// <summary>What stands for a file's date (0: missing), from its lstat: the modification time, with the
    /// size and kind folded in so that a rewrite within the file system's date precision is still seen.
    /// A directory is a constant: only its existence matters.</summary>
    public static long DateOf(FileStat stat) => stat.Kind switch
    {
        StatKind.None => 0,
        StatKind.Directory => 2,
        _ => (stat.MtimeNs ^ (stat.Size << 40) ^ ((long)stat.Kind << 60)) | 4,
    };
}
