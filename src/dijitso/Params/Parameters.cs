// Every parameter of dijitso (sections [cache] and [build] of .dijitso.conf), with the defaults of the original.
namespace Dijitso.Params;

public sealed class Parameters
{
    // [cache]
    public string CacheDir = Path.Combine(Home, ".cache", "dijitso");
    public string IncDir = "include";
    public string SrcDir = "src";
    public string LibDir = "lib";
    public string LogDir = "log";
    public string? FailDirRoot;              // null: the current directory
    public SrcStorage SrcStorage = SrcStorage.Compress;
    public string LibPrefix = "lib";
    public string LibBasename = "dijitso";
    public string LibPostfix = ".so";
    public bool EnableBuildLog = true;

    // [build]
    public string Cxx = "c++";
    public List<string> CxxFlags = ["-Wall", "-shared", "-fPIC", "-std=c++11"];
    public List<string> CxxFlagsDebug = ["-g", "-O0"];
    public List<string> CxxFlagsOpt = ["-O3", "-fno-math-errno", "-fno-trapping-math", "-ffinite-math-only"];
    public List<string> IncludeDirs = [];
    public List<string> LibDirs = [];
    public List<string> RpathDirs = [];
    public List<string> Libs = [];
    public bool Debug;

    public static string Home => Environment.GetEnvironmentVariable("HOME") is { Length: > 0 } h ? h : "/";

    /// <summary>Every key as `section.key`, in the order `dijitso config` prints them.</summary>
    public static readonly string[] Keys =
    [
        "cache.cache_dir", "cache.inc_dir", "cache.src_dir", "cache.lib_dir", "cache.log_dir", "cache.fail_dir_root",
        "cache.src_storage", "cache.lib_prefix", "cache.lib_basename", "cache.lib_postfix", "cache.enable_build_log",
        "build.cxx", "build.cxxflags", "build.cxxflags_debug", "build.cxxflags_opt", "build.include_dirs",
        "build.lib_dirs", "build.rpath_dirs", "build.libs", "build.debug",
    ];

    /// <summary>The value of a key as the config file would spell it (lists joined by a space).</summary>
    public string Get(string key) => key switch
    {
        "cache.cache_dir" => CacheDir,
        "cache.inc_dir" => IncDir,
        "cache.src_dir" => SrcDir,
        "cache.lib_dir" => LibDir,
        "cache.log_dir" => LogDir,
        "cache.fail_dir_root" => FailDirRoot ?? "",
        "cache.src_storage" => SrcStorage.ToString().ToLowerInvariant(),
        "cache.lib_prefix" => LibPrefix,
        "cache.lib_basename" => LibBasename,
        "cache.lib_postfix" => LibPostfix,
        "cache.enable_build_log" => EnableBuildLog ? "true" : "false",
        "build.cxx" => Cxx,
        "build.cxxflags" => string.Join(' ', CxxFlags),
        "build.cxxflags_debug" => string.Join(' ', CxxFlagsDebug),
        "build.cxxflags_opt" => string.Join(' ', CxxFlagsOpt),
        "build.include_dirs" => string.Join(' ', IncludeDirs),
        "build.lib_dirs" => string.Join(' ', LibDirs),
        "build.rpath_dirs" => string.Join(' ', RpathDirs),
        "build.libs" => string.Join(' ', Libs),
        "build.debug" => Debug ? "true" : "false",
        _ => throw new KeyNotFoundException(key),
    };

    /// <summary>Sets a key from its text form; throws FormatException (bad value) or KeyNotFoundException.</summary>
    public void Set(string key, string value)
    {
        switch (key)
        {
            case "cache.cache_dir": CacheDir = NonEmpty(value); break;
            case "cache.inc_dir": IncDir = NonEmpty(value); break;
            case "cache.src_dir": SrcDir = NonEmpty(value); break;
            case "cache.lib_dir": LibDir = NonEmpty(value); break;
            case "cache.log_dir": LogDir = NonEmpty(value); break;
            case "cache.fail_dir_root": FailDirRoot = value.Length == 0 ? null : value; break;
            case "cache.src_storage": SrcStorage = ParseStorage(value); break;
            case "cache.lib_prefix": LibPrefix = value; break;
            case "cache.lib_basename": LibBasename = value; break;
            case "cache.lib_postfix": LibPostfix = value; break;
            case "cache.enable_build_log": EnableBuildLog = ParseBool(value); break;
            case "build.cxx": Cxx = NonEmpty(value); break;
            case "build.cxxflags": CxxFlags = SplitList(value); break;
            case "build.cxxflags_debug": CxxFlagsDebug = SplitList(value); break;
            case "build.cxxflags_opt": CxxFlagsOpt = SplitList(value); break;
            case "build.include_dirs": IncludeDirs = SplitList(value); break;
            case "build.lib_dirs": LibDirs = SplitList(value); break;
            case "build.rpath_dirs": RpathDirs = SplitList(value); break;
            case "build.libs": Libs = SplitList(value); break;
            case "build.debug": Debug = ParseBool(value); break;
            default: throw new KeyNotFoundException(key);
        }
    }

    public static List<string> SplitList(string value) =>
        [.. value.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)];

    private static string NonEmpty(string value) =>
        value.Length > 0 ? value : throw new FormatException("an empty value is not allowed");

    private static SrcStorage ParseStorage(string value) => value.Trim().ToLowerInvariant() switch
    {
        "compress" => SrcStorage.Compress,
        "gzip" => SrcStorage.Gzip,
        "keep" => SrcStorage.Keep,
        "delete" => SrcStorage.Delete,
        _ => throw new FormatException($"'{value}' is not one of compress, gzip, keep, delete"),
    };

    public static bool ParseBool(string value) => value.Trim().ToLowerInvariant() switch
    {
        "1" or "true" or "yes" or "on" => true,
        "0" or "false" or "no" or "off" => false,
        _ => throw new FormatException($"'{value}' is not a boolean (true/false, yes/no, on/off, 1/0)"),
    };
}
