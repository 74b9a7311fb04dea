// The seal of LMAKE/store: what the server left in each store file when it stopped cleanly, so that the next one
// tells a sound store from one damaged while no server ran (a bad disk block, a stray write, a truncation).
//
// On disk, LMAKE/store/seal (text, written to seal.tmp then renamed over it):
//     lmake-cs store seal 1
//     NAME SIZE XXH3      one line per store file (NAME relative to the store dir, SIZE in bytes, XXH3 in hex)
//     end XXH3            the xxh3 of every line above (the seal itself damaged is told from a damaged file)
// The server checks the seal when it opens the store and removes it before it writes anything: a store without
// a seal was left by a server that did not stop cleanly (killed, crashed): then the page sums (src/store/PageSums.cs)
// check the pages no write touched since the last checkpoint, and the range checks of GraphStore catch a record
// pointing nowhere among the rest (what a kill -9 leaves is sound by construction: see MappedFile).
using System.Globalization;
using System.Text;
using Lmake.Common.Checksums;
using Lmake.Store;

namespace Lmake.Server.State;

public static class StoreSeal
{
    private const string FileName = "seal";
    private const string Header = "lmake-cs store seal 1";

    /// <summary>Throws a StoreException naming the first store file that does not hold what the seal says; false
    /// when there is no seal (an unclean stop, a new store: the page sums are checked instead, GraphStore), true
    /// when every file matches.</summary>
    public static bool Check(string storeDir)
    {
        string seal = Path.Combine(storeDir, FileName);
        string[] lines;
        try { lines = File.ReadAllLines(seal); }
        catch (FileNotFoundException) { return false; }
        catch (DirectoryNotFoundException) { return false; }
        if (lines.Length < 2 || lines[0] != Header || lines[^1] != End(lines[..^1]))
            throw new StoreException(seal, "damaged: not the seal a clean stop writes");
        for (int i = 1; i < lines.Length - 1; i++)
        {
            string[] f = lines[i].Split(' ');
            if (f.Length != 3 || !long.TryParse(f[1], NumberStyles.None, CultureInfo.InvariantCulture, out long size)
                || !ulong.TryParse(f[2], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out ulong hash)
                || f[0].Contains('/'))
                throw new StoreException(seal, $"line {i + 1} is not NAME SIZE HASH (damaged)");
            string path = Path.Combine(storeDir, f[0]);
            var info = new FileInfo(path);
            if (!info.Exists) throw new StoreException(path, "missing (the seal of the last clean stop lists it)");
            if (info.Length != size)
                throw new StoreException(path, $"damaged: {info.Length} bytes where the last clean stop left {size}");
            if (XxHash.Xxh3_64File(path) != hash)
                throw new StoreException(path, "damaged: its content is not what the last clean stop left");
        }
        return true;
    }

    /// <summary>The last line of a seal: the hash of its other lines.</summary>
    private static string End(IEnumerable<string> lines) =>
        "end " + XxHash.Xxh3_64(Encoding.UTF8.GetBytes(string.Join('\n', lines))).ToString("x16", CultureInfo.InvariantCulture);

    /// <summary>Before the first write: the store is no longer what a seal could say.</summary>
    public static void Break(string storeDir)
    {
        try { File.Delete(Path.Combine(storeDir, FileName)); }
        catch (DirectoryNotFoundException) { }
    }

    /// <summary>At a clean stop, once every store file is flushed and nothing writes any more.</summary>
    public static void Write(string storeDir)
    {
        var text = new StringBuilder(Header).Append('\n');
        foreach (string path in Directory.GetFiles(storeDir).Order(StringComparer.Ordinal))
        {
            string name = Path.GetFileName(path);
            if (name is FileName || name.EndsWith(".tmp", StringComparison.Ordinal)) continue;
            long size = new FileInfo(path).Length;
            text.Append(name).Append(' ').Append(size.ToString(CultureInfo.InvariantCulture)).Append(' ')
                .Append(XxHash.Xxh3_64File(path).ToString("x16", CultureInfo.InvariantCulture)).Append('\n');
        }
        text.Append(End(text.ToString().Split('\n')[..^1])).Append('\n');
        string tmp = Path.Combine(storeDir, FileName + ".tmp");
        File.WriteAllText(tmp, text.ToString());
        File.Move(tmp, Path.Combine(storeDir, FileName), overwrite: true);
    }
}
