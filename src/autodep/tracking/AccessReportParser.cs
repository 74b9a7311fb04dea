// Decodes the shim's records (wire format: src/autodep/shim/shim.h) into one Access per name, in
// first-access order. Fed with whatever a read of the report pipe returned: a record may span two reads.
using System.Text;
using System.Text.RegularExpressions;

namespace Lmake.Autodep;

internal sealed class AccessReportParser
{
    private readonly Dictionary<string, int> _indexOf = new(StringComparer.Ordinal);
    private readonly List<Access> _accesses = [];
    private byte[] _carry = new byte[256];
    private int _carryLength;
    private readonly List<DeclaredPattern> _patterns = [];
    private readonly List<Regex> _regexes = [];
    private int _lastGroup;

    /// <summary>Where relative names are (the repo root): set, the first look at a file that existed takes its date
    /// (Access.SeenMtimeNs). A stat per file looked at, on the reactor thread, just after the access.</summary>
    public string? Root { get; set; }

    public IReadOnlyList<Access> Accesses => _accesses;
    public IReadOnlyList<DeclaredPattern> Patterns => _patterns;

    public void Feed(ReadOnlySpan<byte> data)
    {
        if (_carryLength > 0)
        {
            int end = data.IndexOf((byte)0);
            if (end < 0) { AppendCarry(data); return; }
            AppendCarry(data[..(end + 1)]);
            ParseRecord(_carry.AsSpan(0, _carryLength - 1));
            _carryLength = 0;
            data = data[(end + 1)..];
        }
        while (!data.IsEmpty)
        {
            int end = data.IndexOf((byte)0);
            if (end < 0) { AppendCarry(data); return; }
            ParseRecord(data[..end]);
            data = data[(end + 1)..];
        }
    }

    private void AppendCarry(ReadOnlySpan<byte> part)
    {
        if (_carryLength + part.Length > _carry.Length)
            Array.Resize(ref _carry, Math.Max(_carry.Length * 2, _carryLength + part.Length));
        part.CopyTo(_carry.AsSpan(_carryLength));
        _carryLength += part.Length;
    }

    // record = kinds, flags, name (its terminating 0 already cut off)
    private void ParseRecord(ReadOnlySpan<byte> record)
    {
        if (record.Length < 3) return;  // a name is never empty: anything shorter is not a record
        var kinds = (AccessKind)record[0];
        bool existed = (record[1] & 1) != 0;
        string name = Encoding.UTF8.GetString(record[2..]);
        Add(name, kinds, existed);
    }

    public void Add(string name, AccessKind kinds, bool existed)
    {
        bool looks = (kinds & Access.ReadKinds) != 0;
        if (_indexOf.TryGetValue(name, out int i))
        {
            Access old = _accesses[i];
            // once ignored (ldepend -I, or an -I pattern), later looks are no deps; those made before stay
            if ((old.DepFlags & DeclaredDepFlags.Ignore) != 0) { kinds &= ~Access.ReadKinds; looks = false; }
            bool firstLook = looks && (old.Kinds & Access.ReadKinds) == 0;
            _accesses[i] = old with
            {
                SeenMtimeNs = firstLook && existed && (old.Kinds & (AccessKind.Write | AccessKind.Unlink)) == 0 ? MtimeOf(name) : old.SeenMtimeNs,
                Kinds = old.Kinds | kinds,
                ExistedAtFirstRead = firstLook ? existed : old.ExistedAtFirstRead,
            };
            return;
        }
        _indexOf[name] = _accesses.Count;
        Access fresh = WithPatterns(new Access(name, kinds, looks && existed)
        {
            SeenMtimeNs = looks && existed ? MtimeOf(name) : 0,
            WrittenFirst = !looks && (kinds & (AccessKind.Write | AccessKind.Unlink)) != 0,
        });
        if ((fresh.DepFlags & DeclaredDepFlags.Ignore) != 0) fresh = fresh with { Kinds = kinds & ~Access.ReadKinds, ExistedAtFirstRead = false };
        _accesses.Add(fresh);
    }

    private long MtimeOf(string name)
    {
        if (Root is null) return 0;
        return Lmake.Common.Files.FileStat.Of(name.StartsWith('/') ? name : Path.Join(Root, name)).MtimeNs;
    }

    /// <summary>ldepend: the names become deps with these flags, all in one new parallel group: Kinds Depend (a dep
    /// whose content the job did not look at: only its errors matter), or Read with -R (as if read now). With -I
    /// they are no deps from now on: what the job looked at before stays a dep, nothing after.</summary>
    public void DeclareDeps(IReadOnlyList<(string Name, bool Exists)> deps, DeclaredDepFlags flags)
    {
        int group = ++_lastGroup;
        bool ignore = (flags & DeclaredDepFlags.Ignore) != 0;
        foreach (var (name, exists) in deps)
        {
            Add(name, ignore ? AccessKind.None : (flags & DeclaredDepFlags.Read) != 0 ? AccessKind.Read : AccessKind.Depend, exists);
            int i = _indexOf[name];
            Access a = _accesses[i];
            _accesses[i] = a with
            {
                DepFlags = a.DepFlags | (flags & ~DeclaredDepFlags.Read),
                Declared = true,
                ParallelGroup = a.ParallelGroup != 0 ? a.ParallelGroup : group,
            };
        }
    }

    /// <summary>ltarget: the names become declared targets with these flags (what they were accessed for
    /// does not change: declaring is not writing).</summary>
    public void DeclareTargets(IReadOnlyList<string> names, DeclaredTargetFlags flags)
    {
        foreach (string name in names)
        {
            if (!_indexOf.TryGetValue(name, out int i))
            {
                i = _accesses.Count;
                _indexOf[name] = i;
                _accesses.Add(WithPatterns(new Access(name, AccessKind.None, false)));
            }
            Access a = _accesses[i];
            _accesses[i] = a with { TargetFlags = a.TargetFlags | flags, Declared = true, DeclaredTarget = true };
        }
    }

    /// <summary>ldepend -X / ltarget -X: the flags apply to every name that matches, now and later; but ignore only
    /// to what the job does from now on (the accesses made before stay). Throws ArgumentException for a bad
    /// regexpr.</summary>
    public void DeclarePattern(DeclaredPattern pattern)
    {
        Regex regex;
        try { regex = new Regex("^(?:" + pattern.Regex + ")$", RegexOptions.CultureInvariant); }
        catch (RegexParseException e)
        {
            // (AOT drops the framework's message texts: say it with the error's name)
            throw new ArgumentException($"bad regexpr '{pattern.Regex}': {e.Error} at offset {Math.Clamp(e.Offset - 4, 0, pattern.Regex.Length)}");
        }
        _patterns.Add(pattern);
        _regexes.Add(regex);
        for (int i = 0; i < _accesses.Count; i++)
            if (regex.IsMatch(_accesses[i].Name)) _accesses[i] = Apply(_accesses[i], pattern);
    }

    private Access WithPatterns(Access a)
    {
        for (int p = 0; p < _patterns.Count; p++)
            if (_regexes[p].IsMatch(a.Name)) a = Apply(a, _patterns[p]);
        return a;
    }

    private static Access Apply(Access a, DeclaredPattern p) =>
        p.IsTarget ? a with { TargetFlags = a.TargetFlags | p.TargetFlags, DeclaredTarget = true } : a with { DepFlags = a.DepFlags | p.DepFlags };
}
