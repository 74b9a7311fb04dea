// The associations of one codec table in memory, both ways: (context, code) -> value to decode, (context, value)
// -> code to encode; each code and each value at most once per context. Kept sorted by context then code, the
// order of the canonical file (CodecFileFormat).
namespace Lmake.Autodep;

public sealed class CodecEntries
{
    private readonly SortedDictionary<(string Context, string Code), string> _values = new(CodecFileFormat.PairOrder.Instance);
    private readonly Dictionary<(string Context, string Value), string> _codes = [];

    public int Count => _values.Count;

    /// <summary>Every association, sorted by context then code.</summary>
    public IEnumerable<(string Context, string Code, string Value)> All
    {
        get { foreach (var ((context, code), value) in _values) yield return (context, code, value); }
    }

    public string? Decode(string context, string code) => _values.TryGetValue((context, code), out string? v) ? v : null;

    public string? Encode(string context, string value) => _codes.TryGetValue((context, value), out string? c) ? c : null;

    /// <summary>Adds an association whose code and value are both new in the context (else ArgumentException).</summary>
    public void Add(string context, string code, string value)
    {
        if (_values.ContainsKey((context, code))) throw new ArgumentException($"code {code} is taken in context {context}");
        if (!_codes.TryAdd((context, value), code)) throw new ArgumentException($"value has a code already in context {context}");
        _values.Add((context, code), value);
    }

    /// <summary>The code of the value in the context, a new one (at least minLen hex digits) added when it has none.</summary>
    public string GetOrAdd(string context, string value, int minLen, out bool added)
    {
        added = false;
        if (Encode(context, value) is string known) return known;
        string code = CodecCodes.NewCode(value, minLen, c => _values.ContainsKey((context, c)));
        Add(context, code, value);
        added = true;
        return code;
    }
}
