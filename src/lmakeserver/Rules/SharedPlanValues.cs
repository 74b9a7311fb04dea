// The parts of a rule's job plans that are most often the same for every job of the rule (its resources, its
// environ, the flags of its targets): one copy per rule is kept rather than one per job. A server keeps a plan per job for its whole life
// (issue 18: a rule's `resources = {'cpu': 1}` alone cost a dictionary per job), and most rules compute these
// without their stems. A value that does differ (a resource computed from a stem) is kept as it is.
namespace Lmake.Server.Rules;

internal sealed class SharedPlanValues
{
    // the last value met: plans are made by one thread at a time (the engine thread), and a race would only
    // lose sharing, never give a plan another value, since a published dictionary is never written again
    private Dictionary<string, string>? _resources;
    private Dictionary<string, string?>? _environ;
    private List<TargetFlags>? _targetFlags;

    /// <summary>The copy kept for the rule when it holds the same entries as <paramref name="fresh"/>, else fresh (kept from now on).</summary>
    public Dictionary<string, string> Resources(Dictionary<string, string> fresh) => Share(ref _resources, fresh);

    /// <summary>As <see cref="Resources"/>, for the merged environ.</summary>
    public Dictionary<string, string?> Environ(Dictionary<string, string?> fresh) => Share(ref _environ, fresh);

    /// <summary>As <see cref="Resources"/>, for the flags of the static targets (the same for every job of most rules).</summary>
    public List<TargetFlags> TargetFlags(List<TargetFlags> fresh)
    {
        List<TargetFlags>? k = _targetFlags;
        if (k != null && k.SequenceEqual(fresh)) return k;
        _targetFlags = fresh;
        return fresh;
    }

    private static Dictionary<string, T> Share<T>(ref Dictionary<string, T>? kept, Dictionary<string, T> fresh)
    {
        Dictionary<string, T>? k = kept;
        if (k != null && Same(k, fresh)) return k;
        kept = fresh;
        return fresh;
    }

    private static bool Same<T>(Dictionary<string, T> a, Dictionary<string, T> b)
    {
        if (a.Count != b.Count) return false;
        foreach (var (key, value) in a)
            if (!b.TryGetValue(key, out T? other) || !EqualityComparer<T>.Default.Equals(value, other)) return false;
        return true;
    }
}
