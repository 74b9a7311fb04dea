// Resolves the parameters in order: defaults, the first .dijitso.conf found, the environment
// (DIJITSO_CACHE_DIR, CXX), then command-line options (--set last); an explicit --cache-dir always wins.
// With --no-config the file and the environment are skipped: the Python package has merged them already, and
// passes every parameter it resolved with --set, so both sides cannot disagree.
namespace Dijitso.Params;

/// <summary>What the command line asked for; null or empty means "not given".</summary>
public sealed class ParameterOptions
{
    public string? CacheDir;
    public string? Cxx;
    public string? CxxFlags;
    public List<string> IncludeDirs = [];
    public List<string> LibDirs = [];
    public List<string> Libs = [];
    public bool Debug;
    public List<string> Sets = [];   // --set SECTION.KEY=VALUE
    public bool NoConfig;            // --no-config
}

public static class ParameterLoader
{
    public static (Parameters Parameters, string? ConfigFile) Load(ParameterOptions options)
    {
        var p = new Parameters();
        string? file = options.NoConfig ? null : ConfigFile.Find();
        if (file != null) ConfigFile.Apply(file, p);

        if (!options.NoConfig)
        {
            if (Environment.GetEnvironmentVariable("DIJITSO_CACHE_DIR") is { Length: > 0 } dir) p.CacheDir = dir;
            if (Environment.GetEnvironmentVariable("CXX") is { Length: > 0 } cxx) p.Cxx = cxx;
        }

        if (options.CacheDir is { Length: > 0 }) p.CacheDir = options.CacheDir;
        if (options.Cxx is { Length: > 0 }) p.Cxx = options.Cxx;
        if (options.CxxFlags != null) p.CxxFlags = Parameters.SplitList(options.CxxFlags);
        p.IncludeDirs.AddRange(options.IncludeDirs);
        p.LibDirs.AddRange(options.LibDirs);
        p.Libs.AddRange(options.Libs);
        if (options.Debug) p.Debug = true;
        foreach (string set in options.Sets) ApplySet(p, set);

        // Relative directories are taken from where the command runs, once, so every later path is absolute.
        p.CacheDir = Path.GetFullPath(p.CacheDir);
        if (p.FailDirRoot != null) p.FailDirRoot = Path.GetFullPath(p.FailDirRoot);
        p.IncludeDirs = [.. p.IncludeDirs.Select(Path.GetFullPath)];
        p.LibDirs = [.. p.LibDirs.Select(Path.GetFullPath)];
        p.RpathDirs = [.. p.RpathDirs.Select(Path.GetFullPath)];
        return (p, file);
    }

    private static void ApplySet(Parameters p, string set)
    {
        int eq = set.IndexOf('=');
        if (eq <= 0) throw new DijitsoError(DijitsoExit.Usage, $"dijitso: --set {set}: expected SECTION.KEY=VALUE");
        string key = set[..eq].Trim();
        try { p.Set(key, set[(eq + 1)..].Trim()); }
        catch (KeyNotFoundException)
        {
            throw new DijitsoError(DijitsoExit.Usage, $"dijitso: --set {set}: unknown key '{key}' (known: {string.Join(", ", Parameters.Keys)})");
        }
        catch (FormatException e) { throw new DijitsoError(DijitsoExit.Usage, $"dijitso: --set {set}: {e.Message}"); }
    }
}
