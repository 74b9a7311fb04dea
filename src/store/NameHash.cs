// The hash of a name in the prefix tree (one pass over its bytes, the directory part's hash on the way). Stored in files (it places index slots
// and gives their fingerprints): never change it without bumping the index's format version.
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Lmake.Store;

internal static class NameHash
{
    public const ulong Top = 0x243F6A8885A308D3UL; // the hash of the (empty) parent of top-level names
    private const ulong K1 = 0x9E3779B97F4A7C15UL, K2 = 0xC2B2AE3D27D4EB4FUL, K3 = 0x165667B19E3779F9UL;

    /// <summary>Hash of a whole name: its directory part's hash (<see cref="Directory"/>) mixed with its last
    /// component's, so that one pass over the bytes also gives the key of the directory.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Name(ReadOnlySpan<byte> name) => Name(name, name.LastIndexOf((byte)'/'), out _);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Name(ReadOnlySpan<byte> name, int lastSlash, out ulong directory)
    {
        directory = lastSlash < 0 ? Top : Component(name[..lastSlash]);
        return Combine(directory, Component(name[(lastSlash + 1)..]));
    }

    /// <summary>Unmixed hash of a byte string.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Component(ReadOnlySpan<byte> bytes)
    {
        ref byte p = ref MemoryMarshal.GetReference(bytes);
        int length = bytes.Length, i = 0;
        ulong h = (ulong)length * K2;
        for (; i + 8 <= length; i += 8)
            h = BitOperations.RotateLeft((h ^ Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref p, i))) * K1, 29);
        ulong tail = 0;
        if (i + 4 <= length)
        {
            tail = Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref p, i));
            i += 4;
        }
        for (int shift = (length & 4) * 8; i < length; i++, shift += 8) tail |= (ulong)Unsafe.Add(ref p, i) << shift;
        return (h ^ tail) * K3;
    }

    /// <summary>Mixes two hashes (the final avalanche of <see cref="Name"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Combine(ulong parent, ulong component)
    {
        ulong h = BitOperations.RotateLeft(parent, 23) * K1 ^ component;
        h ^= h >> 33;
        h *= 0xFF51AFD7ED558CCDUL;
        h ^= h >> 33;
        h *= 0xC4CEB9FE1A85EC53UL;
        return h ^ (h >> 33);
    }
}
