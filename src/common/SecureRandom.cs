// Random bytes for keys, from the kernel (getrandom(2)). RandomNumberGenerator loads OpenSSL (libssl and
// libcrypto: a few milliseconds of dynamic linking) at the first call, which every server start paid.
using System.Runtime.InteropServices;

namespace Lmake.Common;

public static unsafe class SecureRandom
{
    public static void Fill(Span<byte> into)
    {
        while (!into.IsEmpty)
        {
            nint n;
            fixed (byte* p = into) n = Libc.GetRandom(p, into.Length, 0);
            if (n < 0)
            {
                const int EINTR = 4;
                if (Marshal.GetLastPInvokeError() == EINTR) continue;
                throw new IOException($"getrandom: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
            }
            into = into[(int)n..];
        }
    }

    /// <summary><paramref name="bytes"/> random bytes as lowercase hex (keys, unique names).</summary>
    public static string Hex(int bytes)
    {
        Span<byte> random = stackalloc byte[bytes];
        Fill(random);
        return Convert.ToHexStringLower(random);
    }
}
