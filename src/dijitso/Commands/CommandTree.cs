// The command line of dijitso (spellings fixed by the spec: scripts and tests rely on them), parsed with
// System.CommandLine; each subcommand hands plain values to the class that does the work.
using System.CommandLine;
using Dijitso.Jit;
using Dijitso.Params;
using Lmake.Common;

namespace Dijitso.Commands;

public static class CommandTree
{
    public static int Run(string[] args)
    {
        var root = new RootCommand(
            "dijitso: compiles C++ source into a shared library once per cache directory (also under MPI),\n" +
            "caches it, and prints its path.\n\n" + DijitsoExit.Table);
        root.Subcommands.Add(JitCommandLine());
        root.Subcommands.Add(VersionCommandLine());
        root.Subcommands.Add(ConfigCommandLine());
        root.Subcommands.Add(ShowCommandLine());
        root.Subcommands.Add(CleanCommandLine());
        root.Subcommands.Add(GrepCommandLine());
        root.Subcommands.Add(GrepFunctionCommandLine());
        root.Subcommands.Add(CheckoutCommandLine());

        ParseResult result = root.Parse(args);
        if (result.Errors.Count > 0)
        {
            foreach (var e in result.Errors) StdStreams.ErrLine($"dijitso: {e.Message}");
            StdStreams.ErrLine("dijitso: see `dijitso --help`");
            return DijitsoExit.Usage;
        }
        return result.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
    }

    private static Option<string> CacheDirOption() =>
        new("--cache-dir") { Description = "the cache directory (wins over .dijitso.conf and DIJITSO_CACHE_DIR)", HelpName = "DIR" };

    private static Option<string> CategoriesOption() =>
        new("--categories") { Description = "comma-separated subset of inc,src,lib,log (default: all)", HelpName = "LIST" };

    private static Option<string> SignatureOption() =>
        new("--signature") { Description = "only this signature", HelpName = "SIG" };

    private static Command JitCommandLine()
    {
        var sig = new Argument<string>("SIGNATURE") { Description = "names the cache entry (the caller chooses it and is responsible for its quality)" };
        var source = new Option<string>("--source") { Description = "the C++ source file", HelpName = "FILE" };
        var generate = new Option<string>("--generate") { Description = "a shell command run only on a miss; its stdout is the source", HelpName = "CMD" };
        var header = new Option<string>("--header") { Description = "a header to install as CACHE/include/SIG.h (read after --generate ran)", HelpName = "FILE" };
        var dep = new Option<string[]>("--dep") { Description = "link with the cached library of another signature (repeatable)", HelpName = "SIG" };
        var buildOn = new Option<string>("--build-on") { Description = "under MPI: node (one build per cache directory, default), root, process", HelpName = "node|root|process" };
        buildOn.AcceptOnlyFromAmong("node", "root", "process");
        var cacheDir = CacheDirOption();
        var cxx = new Option<string>("--cxx") { Description = "the C++ compiler", HelpName = "CXX" };
        var cxxflags = new Option<string>("--cxxflags") { Description = "replaces build.cxxflags", HelpName = "FLAGS" };
        var includeDir = new Option<string[]>("--include-dir") { Description = "add an include directory (repeatable)", HelpName = "DIR" };
        var libDir = new Option<string[]>("--lib-dir") { Description = "add a library directory, also as rpath (repeatable)", HelpName = "DIR" };
        var lib = new Option<string[]>("--lib") { Description = "link with -lNAME (repeatable)", HelpName = "NAME" };
        var debug = new Option<bool>("--debug") { Description = "compile with build.cxxflags_debug instead of build.cxxflags_opt" };
        var json = new Option<bool>("--json") { Description = "print {\"signature\",\"path\",\"status\"} (status: hit, built, received, waited, failed)" };
        var set = new Option<string[]>("--set") { Description = "set a parameter, after every other source (repeatable)", HelpName = "SECTION.KEY=VALUE" };
        var noConfig = new Option<bool>("--no-config") { Description = "ignore .dijitso.conf, DIJITSO_CACHE_DIR and CXX (the caller passes every parameter)" };
        var cmd = new Command("jit", "serve a signature from the cache, building it on a miss; prints the library's path")
        {
            sig, source, generate, header, dep, buildOn, cacheDir, cxx, cxxflags, includeDir, libDir, lib, debug, json, set, noConfig,
        };
        cmd.SetAction(r =>
        {
            var request = new JitRequest
            {
                Signature = r.GetValue(sig)!,
                SourceFile = r.GetValue(source),
                GenerateCommand = r.GetValue(generate),
                HeaderFile = r.GetValue(header),
                Deps = [.. r.GetValue(dep) ?? []],
                BuildOn = r.GetValue(buildOn) switch { "root" => BuildOn.Root, "process" => BuildOn.Process, _ => BuildOn.Node },
                Json = r.GetValue(json),
            };
            var options = new ParameterOptions
            {
                CacheDir = r.GetValue(cacheDir),
                Cxx = r.GetValue(cxx),
                CxxFlags = r.GetValue(cxxflags),
                IncludeDirs = [.. r.GetValue(includeDir) ?? []],
                LibDirs = [.. r.GetValue(libDir) ?? []],
                Libs = [.. r.GetValue(lib) ?? []],
                Debug = r.GetValue(debug),
                Sets = [.. r.GetValue(set) ?? []],
                NoConfig = r.GetValue(noConfig),
            };
            return JitCommand.Run(request, options);
        });
        return cmd;
    }

    private static Command VersionCommandLine()
    {
        var cmd = new Command("version", "print the version");
        cmd.SetAction(_ => { StdStreams.Out($"dijitso {CommandName.Version}\n"); return DijitsoExit.Ok; });
        return cmd;
    }

    private static Command ConfigCommandLine()
    {
        var key = new Option<string>("--key") { Description = "print only this parameter, e.g. cache.cache_dir", HelpName = "SECTION.KEY" };
        var cacheDir = CacheDirOption();
        var cmd = new Command("config", "print the parameters in force (defaults, .dijitso.conf, environment, options)") { key, cacheDir };
        cmd.SetAction(r => ConfigCommand.Run(r.GetValue(key), new ParameterOptions { CacheDir = r.GetValue(cacheDir) }));
        return cmd;
    }

    private static Command ShowCommandLine()
    {
        var categories = CategoriesOption();
        var files = new Option<bool>("--files") { Description = "list the files" };
        var signatures = new Option<bool>("--signatures") { Description = "list the signatures" };
        var noSummary = new Option<bool>("--no-summary") { Description = "omit the per-category counts" };
        var cacheDir = CacheDirOption();
        var cmd = new Command("show", "show what the cache holds") { categories, files, signatures, noSummary, cacheDir };
        cmd.SetAction(r => CacheCommands.Show(Cache(r.GetValue(cacheDir)), r.GetValue(categories), r.GetValue(files), r.GetValue(signatures), r.GetValue(noSummary)));
        return cmd;
    }

    private static Command CleanCommandLine()
    {
        var categories = CategoriesOption();
        var dryRun = new Option<bool>("--dry-run") { Description = "only print what would be removed" };
        var cacheDir = CacheDirOption();
        var cmd = new Command("clean", "remove cache entries") { categories, dryRun, cacheDir };
        cmd.SetAction(r => CacheCommands.Clean(Cache(r.GetValue(cacheDir)), r.GetValue(categories), r.GetValue(dryRun)));
        return cmd;
    }

    private static Command GrepCommandLine()
    {
        var pattern = new Argument<string>("PATTERN") { Description = "text to look for (a regular expression with --regex)" };
        var regex = new Option<bool>("--regex") { Description = "PATTERN is a .NET regular expression" };
        var lineNumbers = new Option<bool>("--line-numbers") { Description = "print line numbers" };
        var count = new Option<bool>("--count") { Description = "print the number of matching lines per file" };
        var filesOnly = new Option<bool>("--files-only") { Description = "print only the names of matching files" };
        var signature = SignatureOption();
        var cacheDir = CacheDirOption();
        var cmd = new Command("grep", "search the cached sources and headers (compressed ones too); exit 1 when nothing matches")
        {
            pattern, regex, lineNumbers, count, filesOnly, signature, cacheDir,
        };
        cmd.SetAction(r => SourceSearch.Grep(Cache(r.GetValue(cacheDir)), r.GetValue(pattern)!, r.GetValue(regex),
            r.GetValue(lineNumbers), r.GetValue(count), r.GetValue(filesOnly), r.GetValue(signature)));
        return cmd;
    }

    private static Command GrepFunctionCommandLine()
    {
        var name = new Argument<string>("NAME") { Description = "the function's name" };
        var signature = SignatureOption();
        var noBody = new Option<bool>("--no-body") { Description = "print only the declaration" };
        var cacheDir = CacheDirOption();
        var cmd = new Command("grepfunction", "print the definitions of a function found in the cached sources") { name, signature, noBody, cacheDir };
        cmd.SetAction(r => SourceSearch.GrepFunction(Cache(r.GetValue(cacheDir)), r.GetValue(name)!, r.GetValue(signature), r.GetValue(noBody)));
        return cmd;
    }

    private static Command CheckoutCommandLine()
    {
        var sig = new Argument<string>("SIGNATURE");
        var cacheDir = CacheDirOption();
        var cmd = new Command("checkout", "copy a cache entry (decompressed) to ./jitcheckout-SIG/") { sig, cacheDir };
        cmd.SetAction(r => CacheCommands.Checkout(Cache(r.GetValue(cacheDir)), r.GetValue(sig)!));
        return cmd;
    }

    private static Cache.CacheLayout Cache(string? cacheDir)
    {
        (Parameters p, _) = ParameterLoader.Load(new ParameterOptions { CacheDir = cacheDir });
        return new Cache.CacheLayout(p, p.CacheDir);
    }
}
