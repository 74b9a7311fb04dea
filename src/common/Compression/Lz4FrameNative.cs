// Bindings to liblz4's frame API (the format of the `lz4` command), linked statically in executables.
using System.Runtime.InteropServices;

namespace Lmake.Common.Compression;

[StructLayout(LayoutKind.Sequential)]
internal struct Lz4FrameInfo
{
    public int BlockSizeId;        // 0 = default (64 KiB), 4..7 = 64 KiB..4 MiB
    public int BlockMode;          // 0 = linked, 1 = independent
    public int ContentChecksumFlag;
    public int FrameType;
    public ulong ContentSize;
    public uint DictId;
    public int BlockChecksumFlag;
}

[StructLayout(LayoutKind.Sequential)]
internal unsafe struct Lz4Preferences
{
    public Lz4FrameInfo FrameInfo;
    public int CompressionLevel;
    public uint AutoFlush;
    public uint FavorDecSpeed;
    public fixed uint Reserved[3];
}

internal static unsafe partial class Lz4FrameNative
{
    private const string Lib = "lz4";
    internal const uint Version = 100;

    [LibraryImport(Lib)] internal static partial uint LZ4F_isError(nuint code);
    [LibraryImport(Lib)] internal static partial byte* LZ4F_getErrorName(nuint code);

    [LibraryImport(Lib)] internal static partial nuint LZ4F_createCompressionContext(nint* context, uint version);
    [LibraryImport(Lib)] internal static partial nuint LZ4F_freeCompressionContext(nint context);
    [LibraryImport(Lib)] internal static partial nuint LZ4F_compressBound(nuint srcSize, Lz4Preferences* preferences);
    [LibraryImport(Lib)] internal static partial nuint LZ4F_compressBegin(nint context, byte* dst, nuint dstCapacity, Lz4Preferences* preferences);
    [LibraryImport(Lib)] internal static partial nuint LZ4F_compressUpdate(nint context, byte* dst, nuint dstCapacity, byte* src, nuint srcSize, void* options);
    [LibraryImport(Lib)] internal static partial nuint LZ4F_flush(nint context, byte* dst, nuint dstCapacity, void* options);
    [LibraryImport(Lib)] internal static partial nuint LZ4F_compressEnd(nint context, byte* dst, nuint dstCapacity, void* options);

    [LibraryImport(Lib)] internal static partial nuint LZ4F_createDecompressionContext(nint* context, uint version);
    [LibraryImport(Lib)] internal static partial nuint LZ4F_freeDecompressionContext(nint context);
    [LibraryImport(Lib)] internal static partial nuint LZ4F_decompress(nint context, byte* dst, nuint* dstSize, byte* src, nuint* srcSize, void* options);

    internal static nuint Check(nuint code, string what)
    {
        if (LZ4F_isError(code) != 0)
            throw new InvalidDataException($"lz4 {what}: {Marshal.PtrToStringUTF8((nint)LZ4F_getErrorName(code))}");
        return code;
    }
}
