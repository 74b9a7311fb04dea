// The seccomp BPF program installed in a ptrace job before its exec: file syscalls (x86_64) stop at the
// tracer (SECCOMP_RET_TRACE), every other syscall runs untouched, so the job pays for its file accesses only.
using System.Buffers.Binary;

namespace Lmake.Autodep;

internal static class SeccompFilter
{
    private const ushort LoadWordAbsolute = 0x20, JumpIfEqual = 0x15, Return = 0x06;
    private const uint RetAllow = 0x7fff0000, RetTrace = 0x7ff00000;
    private const int ArchOffset = 4, NrOffset = 0;

    /// <summary>The program as struct sock_filter[] bytes: syscalls of another ABI (i386, x32) are allowed
    /// (their numbers differ; such programs are not tracked).</summary>
    public static byte[] Build(IReadOnlyList<int> tracedSyscalls)
    {
        int n = tracedSyscalls.Count;
        if (n + 1 > 255) throw new ArgumentException("too many syscalls for one BPF jump", nameof(tracedSyscalls));
        var code = new List<(ushort Code, byte Jt, byte Jf, uint K)>
        {
            (LoadWordAbsolute, 0, 0, ArchOffset),
            (JumpIfEqual, 0, (byte)(n + 1), PtraceNative.AUDIT_ARCH_X86_64),  // not x86_64: to the allow at the end
            (LoadWordAbsolute, 0, 0, NrOffset),
        };
        for (int k = 0; k < n; k++) code.Add((JumpIfEqual, (byte)(n - k), 0, (uint)tracedSyscalls[k]));
        code.Add((Return, 0, 0, RetAllow));
        code.Add((Return, 0, 0, RetTrace));
        var bytes = new byte[code.Count * 8];
        for (int i = 0; i < code.Count; i++)
        {
            var span = bytes.AsSpan(i * 8, 8);
            BinaryPrimitives.WriteUInt16LittleEndian(span, code[i].Code);
            span[2] = code[i].Jt;
            span[3] = code[i].Jf;
            BinaryPrimitives.WriteUInt32LittleEndian(span[4..], code[i].K);
        }
        return bytes;
    }
}
