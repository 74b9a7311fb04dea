// The tracer's side of the report pipe: records in the shim's wire format (src/autodep/shim/shim.h), so that
// TrackedJob reads a ptrace job's accesses exactly as an ld_preload job's. Buffered (one write per 32 KB, not
// one per access): the tracer flushes before every exec and connect, so records reach the reactor before
// what an in-job command declares, and at the end.
using System.Runtime.InteropServices;
using System.Text;
using Lmake.Common;

namespace Lmake.Autodep;

internal sealed unsafe class PtraceReportWriter : IDisposable
{
    private const int FlushAt = 32 * 1024;
    private int _fd;
    private byte[] _buffer = new byte[FlushAt + 8 * 1024];
    private int _length;

    /// <param name="fd">A write end of the job's report pipe, owned (closed) by this writer.</param>
    public PtraceReportWriter(int fd) => _fd = fd;

    public void Add(AccessKind kinds, bool existed, string name)
    {
        int max = Encoding.UTF8.GetMaxByteCount(name.Length) + 3;
        if (_length + max > _buffer.Length) { Flush(); if (max > _buffer.Length) Array.Resize(ref _buffer, max); }
        _buffer[_length++] = (byte)kinds;
        _buffer[_length++] = (byte)(0x80 | (existed ? 1 : 0));
        _length += Encoding.UTF8.GetBytes(name, _buffer.AsSpan(_length));
        _buffer[_length++] = 0;
        if (_length >= FlushAt) Flush();
    }

    public void Flush()
    {
        if (_length == 0) return;
        int done = 0;
        fixed (byte* b = _buffer)
            while (done < _length && _fd >= 0)
            {
                nint n = Libc.Write(_fd, b + done, _length - done);
                if (n > 0) { done += (int)n; continue; }
                if (n < 0 && Marshal.GetLastPInvokeError() == PtraceNative.EINTR) continue;
                break;  // the reader is gone (the job was abandoned): nothing to report to
            }
        _length = 0;
    }

    public void Dispose()
    {
        Flush();
        if (_fd >= 0) Libc.Close(_fd);
        _fd = -1;
    }
}
