// The names of a cache directory, the same as the original's: include/SIG.h, src/SIG.cpp[.lz4|.gz],
// lib/libdijitso-SIG.so, log/SIG.txt. Hidden files (locks, temporaries, marks) start with a dot.
using Dijitso.Params;

namespace Dijitso.Cache;

public sealed class CacheLayout
{
    private readonly Parameters _p;

    public CacheLayout(Parameters parameters, string cacheDir)
    {
        _p = parameters;
        Root = cacheDir;
    }

    public string Root { get; }
    public string IncDir => Path.Combine(Root, _p.IncDir);
    public string SrcDir => Path.Combine(Root, _p.SrcDir);
    public string LibDir => Path.Combine(Root, _p.LibDir);
    public string LogDir => Path.Combine(Root, _p.LogDir);
    public string FailRoot => _p.FailDirRoot ?? Directory.GetCurrentDirectory();

    public string HeaderPath(string sig) => Path.Combine(IncDir, sig + ".h");
    public string SourcePath(string sig) => Path.Combine(SrcDir, sig + ".cpp");
    public string LibName(string sig) => _p.LibPrefix + LinkName(sig) + _p.LibPostfix;
    // `lib_basename = dijitso` (ours) and `dijitso-` (the original's spelling) both give dijitso-SIG; an empty
    // basename (DOLFIN's pybind11 modules) gives the bare signature.
    public string LinkName(string sig) =>
        _p.LibBasename.Length == 0 || _p.LibBasename.EndsWith('-') ? _p.LibBasename + sig : _p.LibBasename + "-" + sig;
    public string LibPath(string sig) => Path.Combine(LibDir, LibName(sig));
    public string LogPath(string sig) => Path.Combine(LogDir, sig + ".txt");
    public string LockPath(string sig) => Path.Combine(LibDir, "." + sig + ".lock");
    public string FailDir(string sig) => Path.Combine(FailRoot, "jitfailure-" + sig);

    /// <summary>Where the source of a signature is stored, whichever form it has, or null.</summary>
    public string? StoredSource(string sig)
    {
        string plain = SourcePath(sig);
        foreach (string candidate in (ReadOnlySpan<string>)[plain + ".lz4", plain, plain + ".gz"])
            if (File.Exists(candidate)) return candidate;
        return null;
    }

    /// <summary>The categories of `show` and `clean` with their folders and the signature a file name stands for.</summary>
    public static readonly string[] Categories = ["inc", "src", "lib", "log"];

    public string CategoryDir(string category) => category switch
    {
        "inc" => IncDir,
        "src" => SrcDir,
        "lib" => LibDir,
        "log" => LogDir,
        _ => throw new DijitsoError(DijitsoExit.Usage, $"dijitso: unknown category '{category}' (known: inc, src, lib, log)"),
    };

    /// <summary>The signature a cache file stands for, or null for files that are not entries (dot files, strangers).</summary>
    public string? SignatureOf(string category, string fileName)
    {
        if (fileName.StartsWith('.')) return null;
        string? Strip(string name, string prefix, string suffix) =>
            name.Length > prefix.Length + suffix.Length && name.StartsWith(prefix, StringComparison.Ordinal) && name.EndsWith(suffix, StringComparison.Ordinal)
                ? name[prefix.Length..^suffix.Length] : null;
        return category switch
        {
            "inc" => Strip(fileName, "", ".h"),
            "src" => Strip(fileName, "", ".cpp.lz4") ?? Strip(fileName, "", ".cpp.gz") ?? Strip(fileName, "", ".cpp"),
            "lib" => Strip(fileName, _p.LibPrefix + LinkName(""), _p.LibPostfix),
            "log" => Strip(fileName, "", ".txt"),
            _ => null,
        };
    }

    /// <summary>The entries of a category: (signature, path), sorted by signature.</summary>
    public List<(string Sig, string Path)> Entries(string category)
    {
        var result = new List<(string, string)>();
        string dir = CategoryDir(category);
        if (!Directory.Exists(dir)) return result;
        foreach (string path in Directory.EnumerateFiles(dir))
            if (SignatureOf(category, Path.GetFileName(path)) is { } sig) result.Add((sig, path));
        result.Sort((a, b) => string.CompareOrdinal(a.Item1, b.Item1));
        return result;
    }

    public static void CheckSignature(string sig)
    {
        if (sig.Length == 0 || sig.Contains('/') || sig.StartsWith('.') || sig.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
            throw new DijitsoError(DijitsoExit.Usage,
                $"dijitso: bad signature '{sig}': it names files, so it must be non-empty, not start with '.', and hold no '/', space or control character");
    }
}
