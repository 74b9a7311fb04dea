// Writes framed messages on a stream: a frame is a 4-byte little-endian length N, then N bytes made of the
// message kind (1 byte) and its payload. Thread-safe, so several engine threads may print at once.
using System.Buffers.Binary;

namespace Lmake.Common.Protocol;

public sealed class FrameWriter
{
    /// <summary>A frame larger than this is refused on both sides (a corrupt or hostile peer).</summary>
    public const int MaxFrameLength = 64 << 20;

    private readonly Stream _stream;
    private readonly object _lock = new();
    private byte[] _buffer = new byte[4096];

    public FrameWriter(Stream stream) => _stream = stream;

    /// <summary>Sends one message and flushes it: lines must reach the user while the build runs.</summary>
    public void Write(MessageKind kind, ReadOnlySpan<byte> payload)
    {
        int length = 1 + payload.Length;
        if (length > MaxFrameLength) throw new ProtocolException($"message of {length} bytes is too large");
        lock (_lock)
        {
            if (_buffer.Length < 4 + length) _buffer = new byte[Math.Max(4 + length, _buffer.Length * 2)];
            BinaryPrimitives.WriteInt32LittleEndian(_buffer, length);
            _buffer[4] = (byte)kind;
            payload.CopyTo(_buffer.AsSpan(5));
            _stream.Write(_buffer, 0, 4 + length);
            _stream.Flush();
        }
    }

    public void Write(MessageKind kind, PayloadWriter payload) => Write(kind, payload.WrittenSpan);

    /// <summary>Appends one frame to <paramref name="into"/>, for senders that batch several frames per write.</summary>
    public static void Append(System.Buffers.IBufferWriter<byte> into, MessageKind kind, ReadOnlySpan<byte> payload)
    {
        int length = 1 + payload.Length;
        if (length > MaxFrameLength) throw new ProtocolException($"message of {length} bytes is too large");
        Span<byte> frame = into.GetSpan(4 + length);
        BinaryPrimitives.WriteInt32LittleEndian(frame, length);
        frame[4] = (byte)kind;
        payload.CopyTo(frame[5..]);
        into.Advance(4 + length);
    }

    public void Write(MessageKind kind) => Write(kind, ReadOnlySpan<byte>.Empty);
}
