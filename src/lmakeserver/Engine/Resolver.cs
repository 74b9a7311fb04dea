// Choosing how to make a file (spec A3): source, AntiRule/SourceRule, then plain rules by prio, a rule
// applying only when its target pattern matches and every static dep is buildable.
using Lmake.Server.Rules;

namespace Lmake.Server.Engine;

public sealed class Resolver
{
    private readonly Graph _graph;
    private readonly HashSet<Node> _inProgress = [];
    // the resolution under way looked at the disk (a file below a source dir, a dangling static dep): its result
    // holds for this request only, the files may be there or not next time
    private bool _diskDependent;

    public Resolver(Graph graph) => _graph = graph;

    public void Resolve(Node node, int depth = 0)
    {
        if (node.ResolvedGeneration == _graph.Generation) return;
        if (node.ResolvedGeneration == DiskKey) { _diskDependent = true; return; }
        // met again while its own rule choice is under way (a static dep on itself, or through others): left as it
        // is, the choice that is under way decides it (a cycle of static deps is then found when making it)
        if (_inProgress.Contains(node)) return;
        bool outer = _diskDependent;
        _diskDependent = false;
        try { ResolveAnew(node, depth); }
        finally { _diskDependent |= outer; }
    }

    // what a resolution that looked at the disk is valid for: the current request (Graph bumps the epoch when the
    // rules change too); never equal to a generation, which is not negative
    private int DiskKey => int.MinValue + _graph.Epoch;

    private void ResolveAnew(Node node, int depth)
    {
        node.Producer = null;
        node.Candidates = null;
        node.Kind = NodeKind.NoRule;
        node.Multi = null;
        node.Uphill = null;
        node.TooDeep = false;
        if (node.IsCodec)
        {
            node.Kind = NodeKind.CodecEntry;
            node.ResolvedGeneration = _graph.Generation;
            return;
        }
        var config = _graph.Makefiles!.Config;
        if (_graph.IsSource(node.Name))
        {
            // a file below a source dir (not listed itself) is a source only when it is there (rule_selection.md);
            // whether it is may change without the rules changing: such a name is resolved again each time
            if (!_graph.Sources.Contains(node.Name))
            {
                _diskDependent = true;
                // (a missing one is looked at again at each use: a job may make it a source during the request)
                if (!_graph.IsFileOnDisk(node.Name)) return;
            }
            node.Kind = NodeKind.Source;
        }
        // frozen (lmark -f) and made by no job: a source while the mark stands (lmark(1)); Graph.MarksChanged resolves again
        // (one a job made, edited while frozen, still has that job: it remakes the file once thawed)
        else if (node.WrittenBy == 0 && !node.HeldWhileFrozen && _graph.Marks.IsFrozen(node.Name)) node.Kind = NodeKind.Source;
        else if (UphillOf(node, depth) is string dir) node.Uphill = dir;
        else if (node.Name.Length <= config.PathMax && depth <= config.MaxDepDepth)
        {
            _inProgress.Add(node);
            try { ChooseProducer(node, depth); }
            finally { _inProgress.Remove(node); }
        }
        else node.TooDeep = depth > 0;   // an asked file too long is merely not buildable
        node.ResolvedGeneration = _diskDependent ? DiskKey : _graph.Generation;
    }

    /// <summary>Rules by prio, highest first: the first one that surely makes the file (a plain target) wins, and
    /// two of the same prio are `multi`; those before it that only may make it (a star or optional target) are
    /// candidates tried first (NodeMaking.MakeCandidates).</summary>
    private void ChooseProducer(Node node, int depth)
    {
        List<Job>? candidates = null;   // most names have no rule at all
        Rule? sure = null;
        RuleMatch? dangling = null;     // the first rule whose static deps are there but not buildable
        IReadOnlyList<RuleMatch> matches = _graph.Index!.Candidates(node.Name);
        for (int m = 0; m < matches.Count; m++)
        {
            RuleMatch match = matches[m];
            Rule rule = match.Rule;
            if (sure != null && rule.Prio < sure.Prio) break;
            if (rule.Kind == RuleKind.Anti) { if (candidates == null) return; break; }
            if (rule.Kind == RuleKind.Source) { if (candidates == null) node.Kind = NodeKind.Source; return; }
            // (a rule planned natively needs no plan to choose: its static deps' names are enough, JobShape)
            JobPlan? plan = rule.PlansNatively ? null : _graph.Evaluator!.Plan(match);
            string[] names = JobShape.StaticDepNames(match, plan);
            var statics = names.Length == 0 ? [] : new Node[names.Length];
            switch (StaticDepsBuildable(names, statics, depth))
            {
                case Buildable.No: continue;
                case Buildable.OnlyOnDisk: dangling ??= match; continue;
            }
            TargetSpec target = rule.Targets[match.TargetIndex];
            bool maybe = target.IsStar || (target.Flags & (TargetFlags.Optional | TargetFlags.Phony)) != 0;
            if (sure != null)
            {
                if (!maybe) node.Multi = $"{sure.Name} and {rule.Name}";
                continue;
            }
            Job job = JobOf(match, plan, node, statics);
            if (target.IsStar) (job.WantedStarTargets ??= []).Add(node);
            candidates ??= new List<Job>(1);
            if (!maybe)
            {
                // a rule that surely makes it: the ones of its prio that only may are not needed
                if (candidates.Count > 0) candidates.RemoveAll(c => c.Rule.Prio == rule.Prio);
                sure = rule;
            }
            candidates.Add(job);
        }
        if ((candidates == null || candidates.Count == 0) && dangling is RuleMatch d)
        {
            // a static dep that is a file nothing makes is not buildable, so the rule does not apply (rule_selection.md);
            // but when no rule applies, the first such one makes the file anyway, so that its job says which dep is
            // dangling (git add it) rather than "no rule"
            candidates = [JobOf(d, d.Rule.PlansNatively ? null : _graph.Evaluator!.Plan(d), node, null)];
            sure = d.Rule;
        }
        if (candidates == null || candidates.Count == 0) return;
        node.Kind = NodeKind.Generated;
        node.Producer = candidates[0];
        node.Candidates = sure != null && candidates.Count == 1 ? null : candidates.ToArray();
    }

    /// <summary>The job of a match, with its plan when one was made to choose it (else none is made now). Its job name
    /// is the string of the file it makes when they are the same (one string, not two).</summary>
    private Job JobOf(RuleMatch match, JobPlan? plan, Node made, Node[]? statics)
    {
        Job job;
        if (plan != null) job = _graph.Job(match, plan);
        else
        {
            string name = JobShape.JobName(match);
            job = _graph.Job(match, name == made.Name ? made.Name : name, statics);
        }
        match.LetGoOfStems();   // the job has its name and its static deps: found again from the file name when planned
        return job;
    }

    /// <summary>The nearest parent directory that is itself a source or a buildable file, if any: what is
    /// below a file cannot be made.</summary>
    private string? UphillOf(Node node, int depth)
    {
        if (Path.IsPathRooted(node.Name)) return null;
        for (int slash = node.Name.LastIndexOf('/'); slash > 0; slash = node.Name.LastIndexOf('/', slash - 1))
        {
            Node dir = _graph.Node(node.Name.AsSpan(0, slash));
            Resolve(dir, depth + 1);
            // a folder only a star or optional target may make (src/{*:.*} matching src/sub) blocks nothing while
            // it is not a file: the jobs that may make it can as well leave files below it
            if (dir.Kind == NodeKind.Generated && dir.Candidates != null)
            {
                _diskDependent = true;
                if (!_graph.IsFileOnDisk(dir.Name)) continue;
            }
            if (dir.Kind is NodeKind.Source or NodeKind.Generated) return dir.Name;
        }
        return null;
    }

    private enum Buildable { Yes, OnlyOnDisk, No }

    /// <summary>Whether every static dep is buildable; OnlyOnDisk: some are files nothing makes (dangling). Their nodes
    /// go into <paramref name="nodes"/> as they are looked at (the first one not buildable ends it: no node for the rest).</summary>
    private Buildable StaticDepsBuildable(string[] names, Node[] nodes, int depth)
    {
        Buildable result = Buildable.Yes;
        for (int i = 0; i < names.Length; i++)
        {
            Node d = nodes[i] = _graph.Node(names[i]);
            Resolve(d, depth + 1);
            if (_inProgress.Contains(d)) continue;   // a cycle of static deps: buildable as far as rules go
            if (d.Kind == NodeKind.Source || d.Kind == NodeKind.Generated || d.TooDeep) continue;
            _diskDependent = true;   // a dangling file: there or not, it decides whether the rule applies
            if (_graph.IsFileOnDisk(d.Name)) { result = Buildable.OnlyOnDisk; continue; }
            return Buildable.No;
        }
        return result;
    }
}
