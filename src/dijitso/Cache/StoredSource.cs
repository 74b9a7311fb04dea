// Reads a stored source whatever its form: plain, LZ4 frame (ours), or gzip (the original's).
using System.IO.Compression;
using System.Text;
using Lmake.Common.Compression;

namespace Dijitso.Cache;

public static class StoredSource
{
    public static byte[] ReadBytes(string path)
    {
        using var file = File.OpenRead(path);
        using Stream decoded = path.EndsWith(".lz4", StringComparison.Ordinal) ? new Lz4DecompressStream(file, leaveOpen: true)
            : path.EndsWith(".gz", StringComparison.Ordinal) ? new GZipStream(file, CompressionMode.Decompress, leaveOpen: true)
            : file;
        var ms = new MemoryStream();
        decoded.CopyTo(ms);
        return ms.ToArray();
    }

    public static string ReadText(string path) => Encoding.UTF8.GetString(ReadBytes(path));

    /// <summary>Stores <paramref name="source"/> compressed as SIG.cpp.gz (the original's name and format, for the
    /// Python package) atomically, and removes the plain copy.</summary>
    public static void Gzip(string plainPath, byte[] source)
    {
        AtomicFile.WriteWith(plainPath + ".gz", f =>
        {
            using var z = new GZipStream(f, CompressionLevel.Fastest, leaveOpen: true);
            z.Write(source);
        });
        AtomicFile.TryDelete(plainPath);
        AtomicFile.TryDelete(plainPath + ".lz4");
    }

    /// <summary>Stores <paramref name="source"/> compressed as SIG.cpp.lz4 (atomically) and removes the plain copy.</summary>
    public static void Compress(string plainPath, byte[] source)
    {
        AtomicFile.WriteWith(plainPath + ".lz4", f =>
        {
            using var z = new Lz4CompressStream(f, leaveOpen: true);
            z.Write(source);
        });
        AtomicFile.TryDelete(plainPath);
        AtomicFile.TryDelete(plainPath + ".gz");
    }
}
