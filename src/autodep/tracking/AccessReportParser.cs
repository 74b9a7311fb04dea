// Decodes the shim's records (wire format: src/autodep/shim/shim.h) into one Access per name, in
// first-access order. Fed with whatever a read of the report pipe returned: a record may span two reads.
using System.Text;

namespace Lmake.Autodep;

internal sealed class AccessReportParser
{
    private readonly Dictionary<string, int> _indexOf = new(StringComparer.Ordinal);
    private readonly List<Access> _accesses = [];
    private byte[] _carry = new byte[256];
    private int _carryLength;

    public IReadOnlyList<Access> Accesses => _accesses;

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
            bool firstLook = looks && (old.Kinds & Access.ReadKinds) == 0;
            _accesses[i] = old with
            {
                Kinds = old.Kinds | kinds,
                ExistedAtFirstRead = firstLook ? existed : old.ExistedAtFirstRead,
            };
            return;
        }
        _indexOf[name] = _accesses.Count;
        _accesses.Add(new Access(name, kinds, looks && existed));
    }
}
