// Builds a message payload: little-endian int32s and int64s, booleans as one byte, strings as an int32 byte count then
// UTF-8, string lists as an int32 count then the strings. PayloadReader reads the same forms back.
using System.Buffers.Binary;
using System.Text;

namespace Lmake.Common.Protocol;

public sealed class PayloadWriter
{
    private byte[] _buffer = new byte[256];
    private int _length;

    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, _length);

    public PayloadWriter Int(int value)
    {
        BinaryPrimitives.WriteInt32LittleEndian(Grow(4), value);
        return this;
    }

    public PayloadWriter Long(long value)
    {
        BinaryPrimitives.WriteInt64LittleEndian(Grow(8), value);
        return this;
    }

    public PayloadWriter Bool(bool value)
    {
        Grow(1)[0] = value ? (byte)1 : (byte)0;
        return this;
    }

    public PayloadWriter String(string value)
    {
        int count = Encoding.UTF8.GetByteCount(value);
        Int(count);
        Encoding.UTF8.GetBytes(value, Grow(count));
        return this;
    }

    public PayloadWriter Strings(IReadOnlyCollection<string> values)
    {
        Int(values.Count);
        foreach (string v in values) String(v);
        return this;
    }

    private Span<byte> Grow(int count)
    {
        if (_length + count > _buffer.Length)
            Array.Resize(ref _buffer, Math.Max(_length + count, _buffer.Length * 2));
        Span<byte> slot = _buffer.AsSpan(_length, count);
        _length += count;
        return slot;
    }
}
