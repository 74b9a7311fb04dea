// How codes are made from values (codec.md): a generated code is a prefix of the value's 128-bit checksum in
// hex, at least the asked length, lengthened while another value of the context has it; the directory form
// also names each value's file by that checksum in base 64. Codes and contexts are checked here, once, for what
// both table forms can store.
using System.Text;
using Lmake.Common.Checksums;

namespace Lmake.Autodep;

public static class CodecCodes
{
    /// <summary>Hex digits of a 128-bit checksum: the longest code made of the checksum alone.</summary>
    public const int MaxHexLength = 32;

    /// <summary>The XXH3-128 of the value's UTF-8 bytes, as 32 lower-case hex digits.</summary>
    public static string Hex(string value) => XxHash.Xxh3_128(Encoding.UTF8.GetBytes(value)).ToString();

    /// <summary>The same checksum as 22 characters of base 64 with '-' and '_' (file names: no '/'), no padding.</summary>
    public static string Base64(string value)
    {
        Hash128 h = XxHash.Xxh3_128(Encoding.UTF8.GetBytes(value));
        Span<byte> bytes = stackalloc byte[16];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(bytes, h.High);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(bytes[8..], h.Low);
        return Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    /// <summary>Was this code generated from the value (a prefix of its hex checksum, possibly lengthened past it
    /// with a numeric suffix)? Other codes were given by hand, and are preferred when two codes compete.</summary>
    public static bool IsGenerated(string code, string value)
    {
        string hex = Hex(value);
        if (code.Length <= MaxHexLength) return code.Length > 0 && hex.StartsWith(code, StringComparison.Ordinal);
        return code.StartsWith(hex + ".", StringComparison.Ordinal);
    }

    /// <summary>The shortest generated code of at least minLen digits that <paramref name="taken"/> does not refuse.</summary>
    public static string NewCode(string value, int minLen, Func<string, bool> taken)
    {
        string hex = Hex(value);
        for (int len = Math.Clamp(minLen, 1, MaxHexLength); len <= MaxHexLength; len++)
            if (!taken(hex[..len])) return hex[..len];
        for (int n = 1; ; n++)   // all 128 bits collide: never seen, still a code
            if (!taken($"{hex}.{n}")) return $"{hex}.{n}";
    }

    /// <summary>A code that is not the generated prefix of its value and collides: a number appended, or the
    /// number it ends with incremented, until it is free.</summary>
    public static string Renumber(string code, Func<string, bool> taken)
    {
        int digits = code.Length;
        while (digits > 0 && char.IsAsciiDigit(code[digits - 1])) digits--;
        string stem = code[..digits];
        long n = digits < code.Length && long.TryParse(code.AsSpan(digits), out long k) ? k + 1 : 1;
        for (; ; n++)
            if (!taken(stem + n)) return stem + n;
    }

    /// <summary>Why a context cannot be stored (null: it can). A context names a folder of the directory form
    /// (it may hold '/', not empty parts) and a field of the file form.</summary>
    public static string? BadContext(string context)
    {
        if (context.Length == 0) return "a context may not be empty";
        if (context.AsSpan().IndexOfAny("\t\n\r\0") >= 0) return $"context '{Printable(context)}' has a tab, newline or NUL";
        foreach (string part in context.Split('/'))
            if (part is "" or "." or "..") return $"context '{context}' has an empty, '.' or '..' part";
        return null;
    }

    /// <summary>Why a code cannot be stored (null: it can): it names a file of the directory form.</summary>
    public static string? BadCode(string code)
    {
        if (code.Length == 0) return "a code may not be empty";
        if (code.AsSpan().IndexOfAny("/\t\n\r\0") >= 0) return $"code '{Printable(code)}' has a '/', tab, newline or NUL";
        if (code is "." or "..") return $"code '{code}' is not a name";
        return null;
    }

    private static string Printable(string s) => s.Replace("\n", "\\n").Replace("\t", "\\t").Replace("\r", "\\r").Replace("\0", "\\0");
}
