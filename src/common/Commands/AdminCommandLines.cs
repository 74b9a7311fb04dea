// The command lines of the admin commands (spec C): lshow, lforget, lmark, ldebug, lcollect, lmake_repair.
// One definition serves the client (-h, --version and usage errors without a server) and the engine (which
// re-parses the raw args the client forwarded into an AdminOptions).
using System.CommandLine;

namespace Lmake.Common.Commands;

/// <summary>What an admin command asks for, once parsed. Only the fields of the command are meaningful.</summary>
public sealed record AdminOptions
{
    public required string Command { get; init; }
    /// <summary>Files (relative to the client's cwd), or job names with -J, or dirs for lcollect.</summary>
    public required IReadOnlyList<string> Names { get; init; }
    /// <summary>-J: the names are job names.</summary>
    public bool Jobs { get; init; }
    /// <summary>-R RULE: the job of this rule.</summary>
    public string? Rule { get; init; }
    /// <summary>lshow: the one letter asked for (i d t c E o e D T b r u).</summary>
    public char What { get; init; }
    public OutputForm Form { get; init; }
    /// <summary>lforget: -d deps, -t star targets, -r resources.</summary>
    public bool ForgetDeps { get; init; }
    public bool ForgetTargets { get; init; }
    public bool ForgetResources { get; init; }
    /// <summary>lmark: a (add) d (delete) l (list) c (clear); f (freeze) or t (no-trigger).</summary>
    public char MarkAction { get; init; }
    public char MarkKind { get; init; }
    /// <summary>lmake_repair --check: only check the store, change nothing.</summary>
    public bool Check { get; init; }
    /// <summary>-n: ldebug does not run the script, lcollect only lists.</summary>
    public bool DryRun { get; init; }
    /// <summary>ldebug -t: keep the tmp dir; -k KEY: what to run.</summary>
    public bool KeepTmp { get; init; }
    public string DebugKey { get; init; } = "cmd";
    /// <summary>ldebug -T DIR: the tmp dir to run with (else LMAKE/debug/&lt;job id&gt;/tmp).</summary>
    public string? DebugTmpDir { get; init; }
    /// <summary>-q: only what is asked, no header nor decoration; -v: more (absent files, checksums).</summary>
    public bool Quiet { get; init; }
    public bool Verbose { get; init; }
}

public enum OutputForm { Plain, Porcelaine, Json }

public static class AdminCommandLines
{
    /// <summary>Legend of the letter columns of `lshow -d` and `lshow -t` (in -h).</summary>
    public const string FlagLegend =
        "lshow -d columns: dep flags (E essential, c critical, e ignore error, r required, S static dep),\n" +
        "                  accesses (L as a link, R as a regular file, T existence tested, E status asked),\n" +
        "                  with -v the checksum the job saw, then the key of a static dep, then the dep's name.\n" +
        "                  -p: {file: {(rule, job, 'generating'): ({(flags, accesses, key, name)}, ...)}}\n" +
        "lshow -t columns: S static target (else star), I incremental, O optional, P phony, W written by its last run,\n" +
        "                  then the checksum on disk, then the target's name.\n" +
        "lshow -r -p: {(rule, job): True (running) | False (queued) | {the jobs it waits for}}\n" +
        "A '-' stands for a flag that is off.\n";

    private static readonly string[] ShowLetters = ["i", "d", "t", "c", "E", "o", "e", "D", "T", "b", "r", "u"];

    /// <summary>The long form of each lshow sub-command (lshow(1)).</summary>
    private static readonly Dictionary<string, string> ShowLongNames = new()
    {
        ["i"] = "--info", ["d"] = "--deps", ["t"] = "--targets", ["c"] = "--cmd", ["E"] = "--env", ["o"] = "--stdout",
        ["e"] = "--stderr", ["D"] = "--inv-deps", ["T"] = "--inv-targets", ["b"] = "--bom", ["r"] = "--running", ["u"] = "--trace",
    };

    private static readonly Dictionary<string, string> ShowDescriptions = new()
    {
        ["i"] = "job info: rule, job, reason it last ran, start/end, exec/cpu time, memory, status, exit code, tmp dir, resources, backend, host",
        ["d"] = "deps of the job, with their flags and the checksum the job saw",
        ["t"] = "targets of the job, with their flags",
        ["c"] = "the job's script (its command)",
        ["E"] = "the job's environment",
        ["o"] = "stdout of the job's last run",
        ["e"] = "stderr of the job's last run",
        ["D"] = "the jobs that depend on the file",
        ["T"] = "the rules that can make the file, the chosen one marked",
        ["b"] = "the sources the file needs, recursively (bill of materials)",
        ["r"] = "the jobs running, queued or waiting to build the files (all of them if no file is given)",
        ["u"] = "trace: the status lines about the file in the recorded lmake outputs (LMAKE/outputs)",
    };

    public const string ReadOnlyNote =
        "On a read-only repo with no server running, the command is answered without writing anything\n" +
        "(lmakeserver --read-only on pipes).\n";

    private sealed class Definition
    {
        public readonly RootCommand Root;
        public readonly Argument<string[]> Names;
        public readonly Option<bool> Job = new("--job", "-J") { Description = "the names are job names (a target name of the job), not files" };
        public readonly Option<string?> Rule = new("--rule", "-R") { HelpName = "RULE", Description = "the job of this rule (when several rules can make the name)" };
        public readonly Dictionary<string, Option<bool>> Letters = new();
        public readonly Option<bool> Porcelaine = new("--porcelaine", "-p") { Description = "print a Python literal: a dict keyed by file/job (stable, for scripts)" };
        public readonly Option<bool> Json = new("--json") { Description = "print the same as JSON (stable, for scripts)" };
        public readonly Option<bool> Deps = new("--deps", "-d") { Description = "forget the deps the jobs discovered (they rerun)" };
        public readonly Option<bool> Targets = new("--targets", "-t") { Description = "forget the star targets of the jobs (they rerun)" };
        public readonly Option<bool> Resources = new("--resources", "-r") { Description = "rerun the jobs whose resources changed since their last run" };
        public readonly Option<bool> Add = new("--add", "-a") { Description = "add the mark to the files" };
        public readonly Option<bool> Delete = new("--delete", "-d") { Description = "remove the mark from the files" };
        public readonly Option<bool> List = new("--list", "-l") { Description = "list the marked files" };
        public readonly Option<bool> Clear = new("--clear", "-c") { Description = "remove every mark of this kind" };
        public readonly Option<bool> Freeze = new("--freeze", "-f") { Description = "freeze: the file (or job) acts as a source, its job is not run" };
        public readonly Option<bool> NoTrigger = new("--no-trigger", "-t") { Description = "no-trigger: changes of the file do not rerun the jobs that depend on it" };
        public readonly Option<bool> DryRun;
        public readonly Option<bool> Check = new("--check") { Description = "change nothing, only check the store: the seal of the last clean stop, the page sums (after an unclean stop too), every record's ids; exit 0 sound, 5 damaged" };
        public readonly Option<bool> KeepTmp = new("--std-tmp", "-t", "--keep-tmp") { Description = "run in the standard tmp dir LMAKE/debug/<job id>/tmp, and keep it after the run" };
        public readonly Option<string?> TmpDir = new("--tmp-dir", "-T") { HelpName = "ABS_DIR", Description = "run with this tmp dir (absolute), kept after the run" };
        public readonly Option<bool> Quiet = new("--quiet", "-q") { Description = "print only what is asked, no header nor decoration" };
        public readonly Option<bool> Verbose = new("--verbose", "-v") { Description = "print more (lshow -d/-t: absent files and checksums too)" };
        public readonly Option<bool> Sync = new("--sync", "-S") { Description = "accepted for open-lmake's scripts: the server is started as needed either way" };
        public readonly Option<string?> Video = new("--video", "-V") { HelpName = "MODE", Description = "accepted for open-lmake's scripts: output is not colored" };
        public readonly Option<string?> Key = new("--key", "-k") { HelpName = "KEY", Description = "how to run: '' (default) or n: the job's command as it is (g and u, debuggers, run it the same); e (or shell): an interactive bash in the job's environment" };

        public Definition(string command)
        {
            Root = new RootCommand($"{command}: {CommandCatalog.AdminCommands[command]}");
            Names = new Argument<string[]>(command == "lcollect" ? "dirs" : command == "ldebug" ? "target" : "files")
                { Arity = ArgumentArity.ZeroOrMore, Description = "relative to the current directory" };
            DryRun = command == "ldebug"
                ? new Option<bool>("--no-exec", "-n", "--dry-run") { Description = "write the script, do not run it" }
                : new Option<bool>("--dry-run", "-n") { Description = "list the files, do not remove them" };
            Option[] options = command switch
            {
                "lshow" => [.. ShowLetters.Select(AddLetter), Job, Rule, Porcelaine, Json],
                "lforget" => [Deps, Targets, Resources, Job, Rule],
                "lmark" => [Add, Delete, List, Clear, Freeze, NoTrigger, Job, Rule],
                "ldebug" => [DryRun, KeepTmp, TmpDir, Key, Job, Rule],
                "lcollect" => [DryRun],
                "lmake_repair" => [Check],
                _ => [],
            };
            if (command != "lmake_repair") options = [.. options, Quiet, Verbose, Sync, Video];
            if (command != "lmake_repair") Root.Arguments.Add(Names);
            foreach (Option o in options) Root.Options.Add(o);
        }

        private Option AddLetter(string letter)
        {
            var o = new Option<bool>(ShowLongNames[letter], "-" + letter) { Description = ShowDescriptions[letter] };
            Letters[letter] = o;
            return o;
        }
    }

    public static bool TryAnswerLocally(string command, string[] args, TextWriter output)
    {
        string extra = "\n" + (command == "lshow" ? FlagLegend + "\n" : "") + (command == "lmake_repair" ? "" : ReadOnlyNote + "\n") + ExitCode.Table;
        return CommandLineParsing.TryAnswerLocally(new Definition(command).Root, args, output, extra);
    }

    /// <summary>Parses the args of an admin command; throws UsageException naming what is wrong.</summary>
    public static AdminOptions Parse(string command, string[] args)
    {
        var d = new Definition(command);
        ParseResult r = CommandLineParsing.ParseOrThrow(d.Root, args, command);
        string[] names = command == "lmake_repair" ? [] : r.GetValue(d.Names) ?? [];
        if (!args.Contains("--") && names.FirstOrDefault(t => t.Length > 1 && t[0] == '-') is string unknown)
            throw new UsageException($"{command}: unknown option {unknown}");
        var o = new AdminOptions { Command = command, Names = names, Jobs = r.GetValue(d.Job), Rule = r.GetValue(d.Rule) };
        if (command != "lmake_repair") o = o with { Quiet = r.GetValue(d.Quiet), Verbose = r.GetValue(d.Verbose) };
        else o = o with { Check = r.GetValue(d.Check) };
        switch (command)
        {
            case "lshow":
            {
                var asked = new List<string>();
                foreach (var (letter, option) in d.Letters)
                    if (r.GetValue(option)) asked.Add(letter);
                if (asked.Count != 1)
                    throw new UsageException($"lshow: give exactly one of {string.Join(' ', ShowLetters.Select(l => "-" + l))}" +
                        (asked.Count > 1 ? $" (got {string.Join(' ', asked.Select(l => "-" + l))})" : ""));
                if (r.GetValue(d.Quiet) && r.GetValue(d.Verbose)) throw new UsageException("lshow: -q and -v exclude each other");
                if (r.GetValue(d.Porcelaine) && r.GetValue(d.Json)) throw new UsageException("lshow: -p and --json exclude each other");
                if (asked[0] != "r" && names.Length == 0) throw new UsageException($"lshow: -{asked[0]} needs files (or -J job names)");
                return o with
                {
                    What = asked[0][0],
                    Form = r.GetValue(d.Json) ? OutputForm.Json : r.GetValue(d.Porcelaine) ? OutputForm.Porcelaine : OutputForm.Plain,
                };
            }
            case "lforget":
                if (names.Length == 0) throw new UsageException("lforget: no file given");
                return o with { ForgetDeps = r.GetValue(d.Deps), ForgetTargets = r.GetValue(d.Targets), ForgetResources = r.GetValue(d.Resources) };
            case "lmark":
            {
                var actions = Given(r, (d.Add, 'a'), (d.Delete, 'd'), (d.List, 'l'), (d.Clear, 'c'));
                if (actions.Count != 1) throw new UsageException("lmark: give exactly one of -a -d -l -c");
                var kinds = Given(r, (d.Freeze, 'f'), (d.NoTrigger, 't'));
                if (kinds.Count != 1) throw new UsageException("lmark: give exactly one of -f -t");
                if (actions[0] is 'a' or 'd' && names.Length == 0) throw new UsageException($"lmark: -{actions[0]} needs files");
                if (kinds[0] == 't' && o.Jobs) throw new UsageException("lmark: -t (no-trigger) applies to files, not jobs");
                return o with { MarkAction = actions[0], MarkKind = kinds[0] };
            }
            case "ldebug":
            {
                if (names.Length != 1) throw new UsageException("ldebug: give exactly one target");
                // ldebug(1)'s keys: '' (default), n (none), g (gdb), u (pudb), e (enter a shell); cmd and shell are ours
                string key = (r.GetValue(d.Key) ?? "") switch
                {
                    "" or "n" or "g" or "u" or "cmd" => "cmd",
                    "e" or "shell" => "shell",
                    string other => throw new UsageException($"ldebug: -k {other}: KEY is one of '' n g u e (or cmd, shell)"),
                };
                string? tmpDir = r.GetValue(d.TmpDir);
                if (tmpDir != null && !Path.IsPathRooted(tmpDir)) throw new UsageException($"ldebug: -T {tmpDir}: the tmp dir must be absolute");
                return o with { DryRun = r.GetValue(d.DryRun), KeepTmp = r.GetValue(d.KeepTmp) || tmpDir != null, DebugKey = key, DebugTmpDir = tmpDir };
            }
            case "lcollect":
                return o with { Names = names.Length == 0 ? ["."] : names, DryRun = r.GetValue(d.DryRun) };
            default:
                return o;
        }
    }

    /// <summary>The letters of the options given, in the order of <paramref name="choices"/>.</summary>
    private static List<char> Given(ParseResult r, params (Option<bool> Opt, char C)[] choices)
    {
        var given = new List<char>();
        foreach (var (opt, c) in choices)
            if (r.GetValue(opt)) given.Add(c);
        return given;
    }
}
