// The stems of one match of a target pattern: the pattern's stem names (one array per target of a rule) and this
// match's values side by side. A job keeps its stems for its life: a dictionary per job cost about 200 bytes for
// one or two stems, this about 60 (issue 18).
using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace Lmake.Server.Rules;

public sealed class StemValues(string[] names, string[] values) : IReadOnlyDictionary<string, string>
{
    public int Count => names.Length;

    public string this[string key] => TryGetValue(key, out string? value) ? value : throw new KeyNotFoundException(key);

    public IEnumerable<string> Keys => names;

    public IEnumerable<string> Values => values;

    public bool ContainsKey(string key) => Array.IndexOf(names, key) >= 0;

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out string value)
    {
        // a few stems: a scan is as fast as a hash (names compare by ordinal)
        int i = Array.IndexOf(names, key);
        value = i >= 0 ? values[i] : null;
        return i >= 0;
    }

    public IEnumerator<KeyValuePair<string, string>> GetEnumerator()
    {
        for (int i = 0; i < names.Length; i++) yield return new(names[i], values[i]);
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
