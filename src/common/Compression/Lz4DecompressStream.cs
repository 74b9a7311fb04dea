// A read-only stream that decodes an LZ4 frame (or several concatenated, as `lz4` allows) from an inner stream.
namespace Lmake.Common.Compression;

public sealed unsafe class Lz4DecompressStream : Stream
{
    private readonly Stream _inner;
    private readonly bool _leaveOpen;
    private readonly byte[] _input = new byte[64 * 1024];
    private int _inputStart, _inputEnd;
    private nint _context;
    private bool _innerDone;
    private bool _frameOpen; // between a frame's first byte and its end: EOF there is a truncated frame

    public Lz4DecompressStream(Stream inner, bool leaveOpen = false)
    {
        _inner = inner;
        _leaveOpen = leaveOpen;
        nint ctx;
        Lz4FrameNative.Check(Lz4FrameNative.LZ4F_createDecompressionContext(&ctx, Lz4FrameNative.Version), "create context");
        _context = ctx;
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(_context == 0, this);
        if (buffer.IsEmpty) return 0;
        while (true)
        {
            if (_inputStart == _inputEnd && !_innerDone)
            {
                _inputStart = 0;
                _inputEnd = _inner.Read(_input, 0, _input.Length);
                if (_inputEnd == 0) _innerDone = true;
            }
            if (_inputStart == _inputEnd && _innerDone)
            {
                if (_frameOpen) throw new InvalidDataException("lz4: truncated frame");
                return 0;
            }
            nuint dstSize = (nuint)buffer.Length;
            nuint srcSize = (nuint)(_inputEnd - _inputStart);
            nuint hint;
            fixed (byte* dst = buffer)
            fixed (byte* src = &_input[_inputStart])
                hint = Lz4FrameNative.Check(Lz4FrameNative.LZ4F_decompress(_context, dst, &dstSize, src, &srcSize, null), "decompress");
            _inputStart += (int)srcSize;
            _frameOpen = hint != 0;
            if (dstSize > 0) return (int)dstSize;
        }
    }

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (_context != 0) { Lz4FrameNative.LZ4F_freeDecompressionContext(_context); _context = 0; }
        if (disposing && !_leaveOpen) _inner.Dispose();
        base.Dispose(disposing);
    }

    public static byte[] Decompress(ReadOnlySpan<byte> frame)
    {
        using var z = new Lz4DecompressStream(new MemoryStream(frame.ToArray()));
        var ms = new MemoryStream();
        z.CopyTo(ms);
        return ms.ToArray();
    }
}
