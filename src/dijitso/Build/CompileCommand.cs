// The compiler command line of the spec: cxx, cxxflags, debug or opt flags, -I dirs then CACHE/include, the
// source, -L and -Wl,-rpath, for each lib dir then CACHE/lib, -ldijitso-DEP per dependency, -lLIB, -o output.
using Dijitso.Cache;
using Dijitso.Params;

namespace Dijitso.Build;

public static class CompileCommand
{
    public static List<string> Make(Parameters p, CacheLayout layout, string source, string output,
        IReadOnlyList<string> deps, IEnumerable<string>? extraIncludeDirs = null)
    {
        var args = new List<string>(Parameters.SplitList(p.Cxx));
        args.AddRange(p.CxxFlags);
        args.AddRange(p.Debug ? p.CxxFlagsDebug : p.CxxFlagsOpt);
        foreach (string dir in extraIncludeDirs ?? []) args.Add("-I" + dir);
        foreach (string dir in p.IncludeDirs) args.Add("-I" + dir);
        args.Add("-I" + layout.IncDir);
        args.Add(source);
        foreach (string dir in p.LibDirs.Append(layout.LibDir))
        {
            args.Add("-L" + dir);
            args.Add("-Wl,-rpath," + dir);
        }
        foreach (string dir in p.RpathDirs) args.Add("-Wl,-rpath," + dir);
        foreach (string dep in deps) args.Add("-l" + layout.LinkName(dep));
        foreach (string lib in p.Libs) args.Add("-l" + lib);
        args.Add("-o");
        args.Add(output);
        return args;
    }
}
