// Files appear whole or not at all: written to a hidden temporary name in the same directory, then renamed.
using System.Text;

namespace Dijitso.Cache;

public static class AtomicFile
{
    private static int _counter;

    /// <summary>A hidden name beside <paramref name="path"/> that no reader takes for an entry and no other
    /// process (on this or another host) uses.</summary>
    public static string TempPathFor(string path)
    {
        string dir = Path.GetDirectoryName(path)!;
        string name = Path.GetFileName(path);
        return Path.Combine(dir, $".{name}.tmp-{Environment.MachineName}-{Environment.ProcessId}-{Interlocked.Increment(ref _counter)}");
    }

    public static void Write(string path, ReadOnlySpan<byte> content, UnixFileMode? mode = null)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        string temp = TempPathFor(path);
        try
        {
            using (var f = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
                f.Write(content);
            if (mode is { } m) File.SetUnixFileMode(temp, m);
            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    public static void WriteText(string path, string text, UnixFileMode? mode = null) => Write(path, Encoding.UTF8.GetBytes(text), mode);

    /// <summary>Writes through a stream callback (e.g. a compressor), then renames.</summary>
    public static void WriteWith(string path, Action<Stream> write)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        string temp = TempPathFor(path);
        try
        {
            using (var f = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None)) write(f);
            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    public static void TryDelete(string path)
    {
        try { File.Delete(path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
