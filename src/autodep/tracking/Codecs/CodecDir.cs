// The directory form of a codec table (codec.md), shared by any number of repos and processes, with no lock:
//     DIR/store/SUM                 the value, as is (SUM: the value's checksum in base 64, CodecCodes.Base64)
//     DIR/tab/CONTEXT/CODE.decode   a symbolic link to ../../store/SUM (one more ../ per '/' in CONTEXT):
//                                   decoding reads through it; a regular file there is a value given by hand
//     DIR/tab/CONTEXT/SUM.encode    a symbolic link to CODE.decode: encoding reads it
// An encoder writes the store file (temp + rename), then creates the decode link with symlink(2), which fails when
// the name exists: of two encoders of one code only one wins, the other reads what won (its own value: done,
// another: the next longer code), then the encode link. lcodec_repair (CodecDirRepair) makes a damaged or
// hand-edited dir coherent again. What the dir's owner sets (file_sync, the rights of new entries): CodecDirSettings.
namespace Lmake.Autodep;

public static class CodecDir
{
    public const string Store = "store", Tab = "tab";

    public static string DecodeName(string dir, string context, string code) => Path.Combine(dir, Tab, context, code + ".decode");
    public static string EncodeName(string dir, string context, string sum) => Path.Combine(dir, Tab, context, sum + ".encode");
    public static string StoreName(string dir, string sum) => Path.Combine(dir, Store, sum);

    /// <summary>What a decode link of this context holds: the store file, relative to the link's folder.</summary>
    public static string StoreTarget(string context, string sum) =>
        string.Concat(Enumerable.Repeat("../", context.Count(c => c == '/') + 2)) + Store + "/" + sum;

    /// <summary>The value of the code, or null when the context has no such code.</summary>
    public static string? Decode(string dir, string context, string code) => Decode(dir, context, code, CodecDirSettings.Of(dir));

    private static string? Decode(string dir, string context, string code, CodecDirSettings settings)
    {
        string name = DecodeName(dir, context, code);
        settings.BeforeRead(name);
        try { return File.ReadAllText(name); }
        catch (FileNotFoundException) { return null; }
        catch (DirectoryNotFoundException) { return null; }
    }

    /// <summary>The code of the value, the association created when new (a code of at least minLen hex digits).</summary>
    public static string Encode(string dir, string context, string value, int minLen)
    {
        CodecDirSettings settings = CodecDirSettings.Of(dir);
        string sum = CodecCodes.Base64(value);
        string encode = EncodeName(dir, context, sum);
        settings.BeforeRead(encode);
        if (CodeOfEncodeLink(encode) is string known && Decode(dir, context, known, settings) == value) return known;
        settings.MakeDirs(Path.Combine(dir, Store));
        settings.MakeDirs(Path.GetDirectoryName(encode)!);
        string store = StoreName(dir, sum);
        if (!File.Exists(store))
        {
            WriteAtomically(store, value, settings.FileMode);
            settings.AfterWrite(store);
        }
        string target = StoreTarget(context, sum);
        string code = CodecCodes.NewCode(value, minLen, c =>
        {
            string decode = DecodeName(dir, context, c);
            if (TryCreateLink(decode, target)) { settings.AfterWrite(decode); return false; }
            return Decode(dir, context, c, settings) != value;   // ours already (another encoder of this value): taken by us
        });
        ReplaceLink(encode, code + ".decode");
        settings.AfterWrite(encode);
        return code;
    }

    /// <summary>The code an encode link names (its target without .decode), or null when there is none.</summary>
    public static string? CodeOfEncodeLink(string encodeLink)
    {
        string? target;
        try { target = new FileInfo(encodeLink).LinkTarget; }
        catch (IOException) { return null; }
        if (target is null || !target.EndsWith(".decode", StringComparison.Ordinal) || target.Contains('/')) return null;
        return target[..^".decode".Length];
    }

    /// <summary>symlink(2): false when the name is taken.</summary>
    public static bool TryCreateLink(string link, string target)
    {
        try
        {
            File.CreateSymbolicLink(link, target);
            return true;
        }
        catch (IOException) when (Path.Exists(link) || new FileInfo(link).LinkTarget != null) { return false; }
    }

    /// <summary>Makes the link point to target, whatever was there (a new link renamed over the name).</summary>
    public static void ReplaceLink(string link, string target)
    {
        string temp = TempName(link);
        File.CreateSymbolicLink(temp, target);
        File.Move(temp, link, overwrite: true);
    }

    public static void WriteAtomically(string path, string content, UnixFileMode? mode = null)
    {
        string temp = TempName(path);
        File.WriteAllText(temp, content);
        if (mode is UnixFileMode m) File.SetUnixFileMode(temp, m);
        File.Move(temp, path, overwrite: true);
    }

    /// <summary>A name beside path for this process and thread only (lcodec_repair removes leftovers).</summary>
    private static string TempName(string path) =>
        Path.Combine(Path.GetDirectoryName(path)!, $".{Path.GetFileName(path)}.{Environment.ProcessId}.{Environment.CurrentManagedThreadId}.tmp");
}
