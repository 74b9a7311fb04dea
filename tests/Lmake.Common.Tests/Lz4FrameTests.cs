// LZ4 frames: round trips, interoperability with the lz4 command both ways, and corrupt input.
using System.Diagnostics;
using Lmake.Common.Compression;

namespace Lmake.Common.Tests;

public class Lz4FrameTests
{
    private static byte[] Compressible(int size)
    {
        // words from a small vocabulary: repetitive like source code, which LZ4 (no entropy coder) compresses
        string[] words = ["int", "return", "include", "static", "void", "const", "lmake", "\n", "{", "}"];
        var rng = new Random(size);
        var text = new System.Text.StringBuilder(size + 16);
        while (text.Length < size) text.Append(words[rng.Next(words.Length)]).Append(' ');
        return System.Text.Encoding.ASCII.GetBytes(text.ToString(0, size));
    }

    private static (int code, byte[] stdout) RunLz4(string args, byte[] stdin)
    {
        var psi = new ProcessStartInfo("/bin/sh", ["-c", "lz4 " + args])
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        using var p = Process.Start(psi)!;
        var output = new MemoryStream();
        Task copy = p.StandardOutput.BaseStream.CopyToAsync(output);
        p.StandardInput.BaseStream.Write(stdin);
        p.StandardInput.Close();
        copy.Wait();
        p.WaitForExit();
        return (p.ExitCode, output.ToArray());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(65536)]
    [InlineData(3_000_001)]
    public void RoundTrip(int size)
    {
        byte[] data = Compressible(size);
        Assert.Equal(data, Lz4DecompressStream.Decompress(Lz4CompressStream.Compress(data)));
    }

    [Fact]
    public void CompressesCompressibleData()
    {
        byte[] data = Compressible(1 << 20);
        Assert.True(Lz4CompressStream.Compress(data).Length < data.Length * 3 / 4);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(200_000)]
    public void Lz4CommandReadsOurFrames(int size)
    {
        byte[] data = Compressible(size);
        var (code, output) = RunLz4("-d -c", Lz4CompressStream.Compress(data, level: 9));
        Assert.Equal(0, code);
        Assert.Equal(data, output);
    }

    [Fact]
    public void WeReadTheLz4CommandsFrames()
    {
        byte[] data = Compressible(500_000);
        var (code, frame) = RunLz4("-c", data);
        Assert.Equal(0, code);
        Assert.Equal(data, Lz4DecompressStream.Decompress(frame));
    }

    [Fact]
    public void SmallWritesAndReadsStreamCorrectly()
    {
        byte[] data = Compressible(100_000);
        var ms = new MemoryStream();
        using (var z = new Lz4CompressStream(ms, leaveOpen: true))
            for (int i = 0; i < data.Length; i += 13) z.Write(data, i, Math.Min(13, data.Length - i));
        ms.Position = 0;
        using var d = new Lz4DecompressStream(ms);
        var back = new MemoryStream();
        var buffer = new byte[7];
        int n;
        while ((n = d.Read(buffer, 0, buffer.Length)) > 0) back.Write(buffer, 0, n);
        Assert.Equal(data, back.ToArray());
    }

    [Fact]
    public void TruncatedFrameIsAnError()
    {
        byte[] frame = Lz4CompressStream.Compress(Compressible(100_000));
        Assert.Throws<InvalidDataException>(() => Lz4DecompressStream.Decompress(frame.AsSpan(0, frame.Length / 2)));
    }

    [Fact]
    public void GarbageIsAnError()
    {
        byte[] garbage = new byte[1000];
        new Random(1).NextBytes(garbage);
        Assert.Throws<InvalidDataException>(() => Lz4DecompressStream.Decompress(garbage));
    }

    [Fact]
    public void CorruptedContentIsDetected()
    {
        byte[] frame = Lz4CompressStream.Compress(Compressible(100_000));
        frame[frame.Length / 2] ^= 0x55;
        Assert.Throws<InvalidDataException>(() => Lz4DecompressStream.Decompress(frame));
    }
}
