// Reads a payload written by PayloadWriter. Any read past the end, or a negative count, is a ProtocolException.
using System.Buffers.Binary;
using System.Text;

namespace Lmake.Common.Protocol;

public struct PayloadReader
{
    private readonly ReadOnlyMemory<byte> _payload;
    private int _position;

    public PayloadReader(ReadOnlyMemory<byte> payload)
    {
        _payload = payload;
        _position = 0;
    }

    public readonly bool AtEnd => _position == _payload.Length;

    public int Int() => BinaryPrimitives.ReadInt32LittleEndian(Take(4));

    public long Long() => BinaryPrimitives.ReadInt64LittleEndian(Take(8));

    public bool Bool() => Take(1)[0] != 0;

    public string String() => Encoding.UTF8.GetString(Take(Count()));

    public string[] Strings()
    {
        var values = new string[Count()];
        for (int i = 0; i < values.Length; i++) values[i] = String();
        return values;
    }

    private int Count()
    {
        int n = Int();
        if (n < 0 || n > _payload.Length - _position) throw new ProtocolException($"bad count {n} in message");
        return n;
    }

    private ReadOnlySpan<byte> Take(int count)
    {
        if (_payload.Length - _position < count) throw new ProtocolException("message shorter than its content");
        ReadOnlySpan<byte> span = _payload.Span.Slice(_position, count);
        _position += count;
        return span;
    }
}
