// Finds the rules that may make a file without running every regex on every name: target patterns are
// indexed by their fixed suffix (and checked on their fixed prefix), only those candidates run their regex.
namespace Lmake.Server.Rules;

public sealed class RuleIndex
{
    private readonly record struct Entry(Rule Rule, int TargetIndex);

    private readonly Dictionary<string, List<Entry>> _bySuffix = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<Entry>>.AlternateLookup<ReadOnlySpan<char>> _bySuffixOfSpan;
    private readonly Dictionary<string, List<Entry>> _exact = new(StringComparer.Ordinal);
    private readonly int[] _suffixLengths;        // distinct suffix lengths, longest first

    public RuleIndex(IReadOnlyList<Rule> rules)
    {
        foreach (Rule rule in rules)
            for (int t = 0; t < rule.Targets.Count; t++)
            {
                TargetSpec target = rule.Targets[t];
                if (target.IsSide) continue;
                var map = target.HasStems ? _bySuffix : _exact;
                string key = target.HasStems ? target.Suffix : target.Prefix;
                if (!map.TryGetValue(key, out List<Entry>? list)) map[key] = list = new List<Entry>();
                list.Add(new Entry(rule, t));
            }
        var lengths = new HashSet<int>();
        foreach (string suffix in _bySuffix.Keys) lengths.Add(suffix.Length);
        _suffixLengths = [.. lengths];
        Array.Sort(_suffixLengths, (a, b) => b.CompareTo(a));
        _bySuffixOfSpan = _bySuffix.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>The rules that can make <paramref name="name"/>, in the order spec A3 tries them: AntiRule and
    /// SourceRule first, then the others; within each, higher prio first, then definition order. One match per rule.</summary>
    public IReadOnlyList<RuleMatch> Candidates(string name)
    {
        List<RuleMatch>? found = null;   // none, for most names a new server meets (sources, dirs, headers)
        if (_exact.TryGetValue(name, out List<Entry>? exact))
            foreach (Entry e in exact) Add(ref found, e, name);
        foreach (int len in _suffixLengths)
        {
            if (len > name.Length) continue;
            if (!_bySuffixOfSpan.TryGetValue(name.AsSpan(name.Length - len), out List<Entry>? entries)) continue;
            foreach (Entry e in entries) Add(ref found, e, name);
        }
        // one rule or none, by far the most common: already in order, no sorting to allocate for
        return found == null ? [] : found.Count == 1 ? found : Order(found);
    }

    private static void Add(ref List<RuleMatch>? found, Entry e, string name)
    {
        IReadOnlyDictionary<string, string>? stems = e.Rule.Targets[e.TargetIndex].Match(name);
        if (stems != null) (found ??= new List<RuleMatch>(1)).Add(new RuleMatch(e.Rule, e.TargetIndex, stems, name));
    }

    /// <summary>Sorts matches in A3 order, keeping the first target of each rule (also used by tests on a plain scan).</summary>
    public static IReadOnlyList<RuleMatch> Order(IEnumerable<RuleMatch> matches)
    {
        var firstOfRule = new Dictionary<int, RuleMatch>();
        foreach (RuleMatch m in matches)
            if (!firstOfRule.TryGetValue(m.Rule.Index, out RuleMatch? first) || m.TargetIndex < first.TargetIndex) firstOfRule[m.Rule.Index] = m;
        var ordered = new List<RuleMatch>(firstOfRule.Values);
        // one match per rule index: a total order, which an unstable sort keeps (a sort rather than LINQ: each
        // LINQ operator over a new type pair adds its iterator classes to the executable, issue 18)
        ordered.Sort((a, b) =>
        {
            int c = (a.Rule.IsSpecial ? 0 : 1).CompareTo(b.Rule.IsSpecial ? 0 : 1);
            if (c == 0) c = b.Rule.Prio.CompareTo(a.Rule.Prio);
            if (c == 0) c = a.Rule.Index.CompareTo(b.Rule.Index);
            return c;
        });
        return ordered;
    }
}
