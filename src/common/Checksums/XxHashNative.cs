// Bindings to libxxhash. Executables link the static archive (DirectPInvoke, see Directory.Build.targets);
// tests and `dotnet run` resolve the same names from the shared library.
using System.Runtime.InteropServices;

namespace Lmake.Common.Checksums;

[StructLayout(LayoutKind.Sequential)]
public struct Xxh128Native
{
    public ulong Low64;
    public ulong High64;
}

internal static unsafe partial class XxHashNative
{
    private const string Lib = "xxhash";

    [LibraryImport(Lib)] internal static partial ulong XXH3_64bits(byte* data, nuint length);
    [LibraryImport(Lib)] internal static partial Xxh128Native XXH3_128bits(byte* data, nuint length);
    [LibraryImport(Lib)] internal static partial ulong XXH64(byte* data, nuint length, ulong seed);

    [LibraryImport(Lib)] internal static partial nint XXH3_createState();
    [LibraryImport(Lib)] internal static partial int XXH3_freeState(nint state);
    [LibraryImport(Lib)] internal static partial int XXH3_64bits_reset(nint state);
    [LibraryImport(Lib)] internal static partial int XXH3_64bits_update(nint state, byte* data, nuint length);
    [LibraryImport(Lib)] internal static partial ulong XXH3_64bits_digest(nint state);
    [LibraryImport(Lib)] internal static partial int XXH3_128bits_reset(nint state);
    [LibraryImport(Lib)] internal static partial int XXH3_128bits_update(nint state, byte* data, nuint length);
    [LibraryImport(Lib)] internal static partial Xxh128Native XXH3_128bits_digest(nint state);

    [LibraryImport(Lib)] internal static partial nint XXH64_createState();
    [LibraryImport(Lib)] internal static partial int XXH64_freeState(nint state);
    [LibraryImport(Lib)] internal static partial int XXH64_reset(nint state, ulong seed);
    [LibraryImport(Lib)] internal static partial int XXH64_update(nint state, byte* data, nuint length);
    [LibraryImport(Lib)] internal static partial ulong XXH64_digest(nint state);
}
