// The command line of `lmake` (spec A7), shared by the client (which answers -h, --version and usage
// errors without any server) and the engine (which re-parses the raw args the client forwarded).
using System.CommandLine;

namespace Lmake.Common.Commands;

public static class LmakeCommandLine
{
    public const string Summary = "make targets: run the jobs they need, in parallel, deciding by content";

    private sealed class Definition
    {
        public readonly RootCommand Root = new($"lmake: {Summary}");
        public readonly Argument<string[]> Targets = new("targets")
            { Arity = ArgumentArity.ZeroOrMore, Description = "the files to make, relative to the current directory" };
        public readonly Option<int?> Jobs = new("--jobs", "-j")
            { HelpName = "N", Description = "run at most N jobs of this command at once, on top of the resources they ask (0 or absent: the resources alone limit them)" };
        public readonly Option<bool> ForgetOldErrors = new("--forget-old-errors", "-e")
            { Description = "run again the jobs in error from an earlier run instead of reporting them" };
        public readonly Option<int?> Retry = new("--retry-on-error", "-r")
            { HelpName = "N", Description = "retry a failing job up to N times" };
        public readonly Option<bool> Archive = new("--archive", "-a")
            { Description = "make every intermediate file exist, not only the asked targets" };
        public readonly Option<bool> SourceOk = new("--source-ok", "-s") { Description = "allow jobs to overwrite sources" };
        public readonly Option<bool> KeepTmp = new("--keep-tmp", "-t") { Description = "keep the tmp dirs of the jobs" };
        public readonly Option<bool> LiveOut = new("--live-out", "-o")
            { Description = "show the stdout of the jobs making the asked targets while they run, each line tab-indented" };
        public readonly Option<bool> Local = new("--local", "-l") { Description = "run every job on the local backend, whatever the backend of its rule" };
        public readonly Option<int?> MaxRuns = new("--max-runs", "-m")
            { HelpName = "N", Description = "run a job at most N times in a row (reruns included)" };
        public readonly Option<int?> MaxSubmits = new("--max-submits", "-M")
            { HelpName = "N", Description = "submit a job at most N times in a row" };
        public readonly Option<bool> IgnoreIncremental = new("--ignore-incremental", "-I")
            { Description = "remove incremental targets before their job runs" };
        public readonly Option<bool> EssentialDeps = new("--essential-deps", "-d")
            { Description = "show only the essential deps of the jobs in error" };
        public readonly Option<bool> NoDeps = new("--no-deps", "-D") { Description = "show no deps of the jobs in error" };
        public readonly Option<bool> Quiet = new("--quiet", "-q") { Description = "print fewer lines" };
        public readonly Option<bool> Verbose = new("--verbose", "-v") { Description = "print more lines (why each job runs)" };
        public readonly Option<bool> FreshServer = new("--fresh-server", "-S")
            { Description = "use a fresh server: wait for the running one to end, then start a new one" };
        public readonly Option<bool> Plain = new("--plain")
            { Description = "on a terminal too, print the status lines only, without colours, progress line or title (as NO_COLOR=1 does for the colours)" };
        public readonly Option<string?> Backend = new("--backend", "-b")
            { HelpName = "OPTIONS", Description = "options for the backends of the jobs of this command (slurm: srun-like options such as '-p PART --qos=Q', see backends.md; ignored by the local backend)" };
        public readonly Option<TimeSpan?> Ete = new("--ete", "-E")
            { HelpName = "TIME", Description = "estimated time of the whole command (as job times are written: 2h30m, 1.5s...), for scheduling" };
        public readonly Option<int?> Nice = new("--nice", "-N")
            { HelpName = "N", Description = "nice value (0 to 20) applied to every job, instead of lmake.config.nice" };
        public readonly Option<CacheMethod?> Cache = new("--cache-method", "-c")
            { HelpName = "none|download|upload|plain", Description = "how jobs use the shared cache (default: plain)",
              CustomParser = ParseCacheMethod };

        public Definition()
        {
            Root.Arguments.Add(Targets);
            foreach (Option o in new Option[] { Jobs, ForgetOldErrors, Retry, Archive, SourceOk, KeepTmp, LiveOut, Local,
                         MaxRuns, MaxSubmits, IgnoreIncremental, EssentialDeps, NoDeps, Quiet, Verbose, FreshServer, Plain,
                         Backend, Ete, Nice, Cache })
                Root.Options.Add(o);
            IgnoreIncremental.Aliases.Add("--no-incremental");   // open-lmake's name of -I
            LastWins(Backend);
            Backend.CustomParser = r => r.Tokens.Count > 0 ? r.Tokens[^1].Value : null;
            LastWins(Ete);
            Ete.CustomParser = ParseEte;
            LastWins(Nice);
            Nice.CustomParser = r => ParseNice(r);
            AtLeast(Jobs, 0);
            AtLeast(Retry, 0);
            AtLeast(MaxRuns, 1);
            AtLeast(MaxSubmits, 1);
            LastWins(Cache);
        }

        // $LMAKE_ARGS comes first, so an option may be given twice: the last one wins.
        private static void LastWins(Option option) => option.Arity = ArgumentArity.OneOrMore;

        private static void AtLeast(Option<int?> option, int min)
        {
            LastWins(option);
            option.CustomParser = r => ParseAtLeast(r, option, min);
        }

        private static int? ParseAtLeast(System.CommandLine.Parsing.ArgumentResult r, Option option, int min)
        {
            string text = r.Tokens.Count > 0 ? r.Tokens[^1].Value : "";
            if (int.TryParse(text, System.Globalization.NumberStyles.AllowLeadingSign,
                    System.Globalization.CultureInfo.InvariantCulture, out int v) && v >= min)
                return v;
            r.AddError($"option {option.Name}: '{text}' is not an integer >= {min}");
            return null;
        }

        private static TimeSpan? ParseEte(System.CommandLine.Parsing.ArgumentResult r)
        {
            string text = r.Tokens.Count > 0 ? r.Tokens[^1].Value : "";
            if (DurationText.TryParse(text, out TimeSpan ete)) return ete;
            r.AddError($"option --ete: '{text}' is not a time such as 2h30m, 90s or 1.5m");
            return null;
        }

        private static int? ParseNice(System.CommandLine.Parsing.ArgumentResult r)
        {
            string text = r.Tokens.Count > 0 ? r.Tokens[^1].Value : "";
            if (int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int v) && v <= 20)
                return v;
            r.AddError($"option --nice: '{text}' is not an integer from 0 to 20 (negative nice values need privileges)");
            return null;
        }

        private static CacheMethod? ParseCacheMethod(System.CommandLine.Parsing.ArgumentResult r)
        {
            string text = r.Tokens.Count > 0 ? r.Tokens[^1].Value : "";
            switch (text)
            {
                case "none": return CacheMethod.None;
                case "download": return CacheMethod.Download;
                case "upload": return CacheMethod.Upload;
                case "plain": return CacheMethod.Plain;
                default:
                    r.AddError($"option --cache-method: '{text}' is not one of none, download, upload, plain");
                    return CacheMethod.Plain;
            }
        }
    }

    /// <summary>$LMAKE_ARGS (split on white space) followed by the arguments typed.</summary>
    public static string[] PrependEnvironmentArgs(string[] args, string? lmakeArgs)
    {
        if (string.IsNullOrWhiteSpace(lmakeArgs)) return args;
        string[] fromEnv = lmakeArgs.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        return [.. fromEnv, .. args];
    }

    /// <summary>Parses args ($LMAKE_ARGS already prepended). Throws UsageException naming the bad option;
    /// -h and --version are answered by <see cref="TryAnswerLocally"/>, not here.</summary>
    public static LmakeOptions Parse(string[] args)
    {
        var d = new Definition();
        ParseResult r = CommandLineParsing.ParseOrThrow(d.Root, args, "lmake");
        if (CommandLineParsing.AsksHelpOrVersion(d.Root, r))
            throw new UsageException("lmake: -h and --version are answered by the client");
        string[] targets = r.GetValue(d.Targets) ?? [];
        // System.CommandLine takes an unknown "-x" for a target; lmake calls it an error unless after "--".
        if (!args.Contains("--") && targets.FirstOrDefault(t => t.Length > 1 && t[0] == '-') is string unknown)
            throw new UsageException($"lmake: unknown option {unknown}");
        // No target: the Lmakefile is read (and its errors reported), nothing is built.
        return new LmakeOptions
        {
            Targets = targets,
            Jobs = r.GetValue(d.Jobs),
            ForgetOldErrors = r.GetValue(d.ForgetOldErrors),
            RetryOnError = r.GetValue(d.Retry) ?? 0,
            Archive = r.GetValue(d.Archive),
            SourceOk = r.GetValue(d.SourceOk),
            KeepTmp = r.GetValue(d.KeepTmp),
            LiveOut = r.GetValue(d.LiveOut),
            Local = r.GetValue(d.Local),
            MaxRuns = r.GetValue(d.MaxRuns),
            MaxSubmits = r.GetValue(d.MaxSubmits),
            IgnoreIncremental = r.GetValue(d.IgnoreIncremental),
            EssentialDepsOnly = r.GetValue(d.EssentialDeps),
            NoDeps = r.GetValue(d.NoDeps),
            Quiet = r.GetValue(d.Quiet),
            Verbose = r.GetValue(d.Verbose),
            FreshServer = r.GetValue(d.FreshServer),
            Plain = r.GetValue(d.Plain),
            CacheMethod = r.GetValue(d.Cache) ?? CacheMethod.Plain,
            BackendArgs = r.GetValue(d.Backend) is string b ? b.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries) : [],
            Ete = r.GetValue(d.Ete),
            Nice = r.GetValue(d.Nice),
        };
    }

    /// <summary>When args ask for -h or --version, prints the answer on <paramref name="output"/> and returns
    /// true. The help ends with the exit-code table.</summary>
    public static bool TryAnswerLocally(string[] args, TextWriter output) =>
        CommandLineParsing.TryAnswerLocally(new Definition().Root, args, output, ExtraHelp);

    private const string ExtraHelp =
        "$LMAKE_ARGS is prepended to the arguments.\n" +
        "The repo root is the nearest directory upwards holding Lmakefile.py or a package Lmakefile/;\n" +
        "outside any repo lmake says so and exits 11.\n\n" + ExitCode.Table;
}
