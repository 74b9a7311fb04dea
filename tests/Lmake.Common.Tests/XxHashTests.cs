// XXH3-64, XXH3-128 and XXH64 against the reference xxhsum tool and across the span/stream/file forms.
using System.Diagnostics;
using Lmake.Common.Checksums;

namespace Lmake.Common.Tests;

public class XxHashTests
{
    internal static string Reference(string algo, byte[] data)
    {
        string file = Path.GetTempFileName();
        try
        {
            File.WriteAllBytes(file, data);
            var psi = new ProcessStartInfo("xxhsum", [algo, file]) { RedirectStandardOutput = true };
            using var p = Process.Start(psi)!;
            string line = p.StandardOutput.ReadToEnd().Trim();
            p.WaitForExit();
            Assert.Equal(0, p.ExitCode);
            // "<hex>  file" for XXH64 and XXH128, "XXH3 (file) = <hex>" for XXH3-64 (xxhsum 0.8.1)
            return line.Contains(" = ") ? line.Split(' ')[^1] : line.Split(' ')[0];
        }
        finally { File.Delete(file); }
    }

    public static TheoryData<int> Sizes => new() { 0, 1, 3, 16, 17, 128, 129, 240, 241, 1000, 65536, 1 << 20 | 7 };

    private static byte[] Data(int size)
    {
        var data = new byte[size];
        new Random(size).NextBytes(data);
        return data;
    }

    [Theory, MemberData(nameof(Sizes))]
    public void Xxh3_64MatchesReference(int size)
    {
        byte[] data = Data(size);
        Assert.Equal(Reference("-H3", data), XxHash.Xxh3_64(data).ToString("x16"));
    }

    [Theory, MemberData(nameof(Sizes))]
    public void Xxh3_128MatchesReference(int size)
    {
        byte[] data = Data(size);
        Assert.Equal(Reference("-H2", data), XxHash.Xxh3_128(data).ToString());
    }

    [Theory, MemberData(nameof(Sizes))]
    public void Xxh64MatchesReference(int size)
    {
        byte[] data = Data(size);
        Assert.Equal(Reference("-H1", data), XxHash.Xxh64(data).ToString("x16"));
    }

    [Theory, MemberData(nameof(Sizes))]
    public void StreamAndFileFormsAgreeWithSpanForm(int size)
    {
        byte[] data = Data(size);
        string file = Path.GetTempFileName();
        try
        {
            File.WriteAllBytes(file, data);
            Assert.Equal(XxHash.Xxh3_64(data), XxHash.Xxh3_64(new MemoryStream(data)));
            Assert.Equal(XxHash.Xxh3_64(data), XxHash.Xxh3_64File(file));
            Assert.Equal(XxHash.Xxh3_128(data), XxHash.Xxh3_128File(file));
            Assert.Equal(XxHash.Xxh64(data, 42), XxHash.Xxh64File(file, 42));
            Assert.Equal(XxHash.Xxh64(data), XxHash.Xxh64(new MemoryStream(data)));
        }
        finally { File.Delete(file); }
    }

    [Fact]
    public void IncrementalUpdatesEqualOneShot()
    {
        byte[] data = Data(100_000);
        using var h = new XxHasher(XxAlgorithm.Xxh3_128);
        for (int i = 0; i < data.Length; i += 777) h.Append(data.AsSpan(i, Math.Min(777, data.Length - i)));
        Assert.Equal(XxHash.Xxh3_128(data), h.Digest128());
    }

    [Fact]
    public void WrongDigestWidthIsRefused()
    {
        using var h = new XxHasher(XxAlgorithm.Xxh3_128);
        Assert.Throws<InvalidOperationException>(() => h.Digest64());
        using var h64 = new XxHasher(XxAlgorithm.Xxh3_64);
        Assert.Throws<InvalidOperationException>(() => h64.Digest128());
    }
}
