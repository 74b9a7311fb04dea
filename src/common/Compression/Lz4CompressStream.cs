// A write-only stream that LZ4-frame-compresses into an inner stream; `lz4 -d` reads what it writes.
namespace Lmake.Common.Compression;

public sealed unsafe class Lz4CompressStream : Stream
{
    private const int InputChunk = 64 * 1024;
    private readonly Stream _inner;
    private readonly bool _leaveOpen;
    private readonly byte[] _output;
    private nint _context;
    private bool _finished;
    private Lz4Preferences _preferences;

    /// <param name="level">0 is lz4's fast default; 3..12 are the HC levels.</param>
    public Lz4CompressStream(Stream inner, int level = 0, bool leaveOpen = false)
    {
        _inner = inner;
        _leaveOpen = leaveOpen;
        _preferences.FrameInfo.ContentChecksumFlag = 1; // lets `lz4 -t` and our reader detect corruption
        _preferences.CompressionLevel = level;
        nint ctx;
        Lz4FrameNative.Check(Lz4FrameNative.LZ4F_createCompressionContext(&ctx, Lz4FrameNative.Version), "create context");
        _context = ctx;
        nuint bound;
        fixed (Lz4Preferences* prefs = &_preferences) bound = Lz4FrameNative.LZ4F_compressBound(InputChunk, prefs);
        _output = new byte[(int)bound + 64];
        nuint n;
        fixed (byte* dst = _output)
        fixed (Lz4Preferences* prefs = &_preferences)
            n = Lz4FrameNative.Check(Lz4FrameNative.LZ4F_compressBegin(_context, dst, (nuint)_output.Length, prefs), "begin");
        _inner.Write(_output, 0, (int)n);
    }

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => !_finished;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        if (_finished) throw new ObjectDisposedException(nameof(Lz4CompressStream));
        while (!buffer.IsEmpty)
        {
            ReadOnlySpan<byte> chunk = buffer[..Math.Min(buffer.Length, InputChunk)];
            nuint n;
            fixed (byte* dst = _output)
            fixed (byte* src = chunk)
                n = Lz4FrameNative.Check(Lz4FrameNative.LZ4F_compressUpdate(_context, dst, (nuint)_output.Length, src, (nuint)chunk.Length, null), "compress");
            if (n > 0) _inner.Write(_output, 0, (int)n);
            buffer = buffer[chunk.Length..];
        }
    }

    public override void Flush()
    {
        if (_finished) return;
        nuint n;
        fixed (byte* dst = _output) n = Lz4FrameNative.Check(Lz4FrameNative.LZ4F_flush(_context, dst, (nuint)_output.Length, null), "flush");
        if (n > 0) _inner.Write(_output, 0, (int)n);
        _inner.Flush();
    }

    /// <summary>Writes the end mark (and content checksum). Dispose does it too.</summary>
    public void Finish()
    {
        if (_finished) return;
        nuint n;
        fixed (byte* dst = _output) n = Lz4FrameNative.Check(Lz4FrameNative.LZ4F_compressEnd(_context, dst, (nuint)_output.Length, null), "end");
        _inner.Write(_output, 0, (int)n);
        _inner.Flush();
        _finished = true;
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        try
        {
            if (disposing)
            {
                Finish();
                if (!_leaveOpen) _inner.Dispose();
            }
        }
        finally
        {
            if (_context != 0) { Lz4FrameNative.LZ4F_freeCompressionContext(_context); _context = 0; }
            base.Dispose(disposing);
        }
    }

    public static byte[] Compress(ReadOnlySpan<byte> data, int level = 0)
    {
        var ms = new MemoryStream();
        using (var z = new Lz4CompressStream(ms, level, leaveOpen: true)) z.Write(data);
        return ms.ToArray();
    }
}
