// Reads the frames FrameWriter writes (see there for the layout). Not thread-safe: one reader per stream.
using System.Buffers.Binary;

namespace Lmake.Common.Protocol;

public readonly record struct Frame(MessageKind Kind, ReadOnlyMemory<byte> Payload)
{
    public PayloadReader Reader() => new(Payload);
}

public sealed class FrameReader
{
    private readonly Stream _stream;
    private byte[] _buffer = new byte[4096];

    public FrameReader(Stream stream) => _stream = stream;

    /// <summary>The next frame, or null when the peer closed the stream cleanly between two frames. The
    /// payload is valid until the next call. A stream cut inside a frame is a ProtocolException.</summary>
    public Frame? Read()
    {
        Span<byte> header = stackalloc byte[4];
        if (!Fill(header, atFrameStart: true)) return null;
        int length = BinaryPrimitives.ReadInt32LittleEndian(header);
        if (length < 1 || length > FrameWriter.MaxFrameLength)
            throw new ProtocolException($"bad frame length {length}");
        if (_buffer.Length < length) _buffer = new byte[Math.Max(length, _buffer.Length * 2)];
        Fill(_buffer.AsSpan(0, length), atFrameStart: false);
        return new Frame((MessageKind)_buffer[0], new ReadOnlyMemory<byte>(_buffer, 1, length - 1));
    }

    private bool Fill(Span<byte> into, bool atFrameStart)
    {
        int done = 0;
        while (done < into.Length)
        {
            int n = _stream.Read(into[done..]);
            if (n == 0)
            {
                if (done == 0 && atFrameStart) return false;
                throw new ProtocolException("connection closed in the middle of a message");
            }
            done += n;
        }
        return true;
    }
}
