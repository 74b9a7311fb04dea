// `lautodep [-m METHOD] [-s SOURCE_DIR]... [--json] cmd args...`: runs cmd under tracking in the current
// repo and lists what it touched. Options stop at the command: its own options are left alone.
using Lmake.Autodep;
using Lmake.Common;

namespace Lmake.JobExec;

internal static class LautodepCommand
{
    private const string Help =
        "usage: lautodep [-m ld_preload|ld_audit|none|ptrace] [-s SOURCE_DIR]... [--json] [--] cmd args...\n" +
        "Runs cmd under dependency tracking, with the repo root (the nearest dir up with Lmakefile.py, else the\n" +
        "cwd) as the tracked tree, then lists the files it read and wrote. Its stdout and stderr are shown\n" +
        "before the list (which starts on a line of its own); its stdin is /dev/null.\n" +
        "  -m, --method METHOD     ld_preload (default; ld_audit is a synonym), none (no tracking),\n" +
        "                          ptrace (syscalls: static programs too, slower)\n" +
        "In-job commands (ldepend, ltarget, lcheck_deps, lencode, ldecode) work in cmd: deps are verified from the\n" +
        "disk (ldepend -v), every dep is up to date (lcheck_deps), codec tables are read and written directly.\n" +
        "  -s, --source-dir DIR    a dir outside the repo whose files count too (repeatable)\n" +
        "      --json              print {\"exit_code\":N,\"accesses\":[{\"name\",\"kinds\",\"existed\"}...]}\n" +
        "  -h, --help              this text;  --version: the version\n" +
        LautodepListing.Legend +
        "exit code: that of cmd (128+N if killed by signal N), 127 if it cannot be run, 11 on a usage error.\n";

    public static int Run(string[] args)
    {
        try
        {
            return RunUnchecked(args);
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"lautodep: internal error: {e.Message}");
            return ExitCode.InternalError;
        }
    }

    private static int Usage(string message)
    {
        Console.Error.WriteLine($"lautodep: {message}");
        Console.Error.WriteLine("usage: lautodep [-m ld_preload|none] [-s SOURCE_DIR]... [--json] cmd args... (lautodep -h for more)");
        return ExitCode.Usage;
    }

    private static int RunUnchecked(string[] args)
    {
        var method = AutodepMethod.LdPreload;
        var sourceDirs = new List<string>();
        bool json = false;
        int i = 0;
        for (; i < args.Length; i++)
        {
            string a = args[i];
            if (a == "--") { i++; break; }
            if (a.Length == 0 || a[0] != '-') break;
            switch (a)
            {
                case "-h" or "--help":
                    Console.Out.Write(Help);
                    return ExitCode.Ok;
                case "--version":
                    Console.Out.WriteLine($"lautodep {CommandName.Version}");
                    return ExitCode.Ok;
                case "--json":
                    json = true;
                    break;
                case "-m" or "--method":
                    if (++i >= args.Length) return Usage($"option {a} needs a value");
                    switch (args[i])
                    {
                        case "ld_preload" or "ld_audit": method = AutodepMethod.LdPreload; break;
                        case "none": method = AutodepMethod.None; break;
                        case "ptrace": method = AutodepMethod.Ptrace; break;
                        default: return Usage($"unknown method for {a}: '{args[i]}' (ld_preload, ld_audit, ptrace, none)");
                    }
                    break;
                case "-s" or "--source-dir":
                    if (++i >= args.Length) return Usage($"option {a} needs a value");
                    string dir = Path.GetFullPath(args[i]);
                    if (!Directory.Exists(dir)) return Usage($"source dir {args[i]} does not exist");
                    sourceDirs.Add(dir.EndsWith('/') ? dir : dir + "/");
                    break;
                default:
                    return Usage($"unknown option '{a}'");
            }
        }
        if (i >= args.Length) return Usage("no command given");

        string cwd = Environment.CurrentDirectory;
        var env = new Dictionary<string, string>();
        foreach (System.Collections.DictionaryEntry e in Environment.GetEnvironmentVariables())
            env[(string)e.Key] = (string?)e.Value ?? "";
        var spec = new JobSpec
        {
            Argv = args[i..],
            Cwd = cwd,
            Environment = env,
            RepoRoot = FindRepoRoot(cwd),
            SourceDirs = sourceDirs,
            Method = method,
        };
        JobOutcome outcome = TrackedJob.Start(spec).Completion.GetAwaiter().GetResult();
        Console.Out.Write(outcome.Stdout);
        if (outcome.Stdout.Length > 0 && !outcome.Stdout.EndsWith('\n')) Console.Out.Write('\n');  // the listing starts on its own line
        Console.Error.Write(outcome.Stderr);
        Console.Out.Write(json ? LautodepListing.Json(outcome.Accesses, outcome.ExitCode) : LautodepListing.Text(outcome.Accesses, outcome.Patterns));
        Console.Out.Flush();
        return outcome.ExitCode;
    }

    private static string FindRepoRoot(string cwd)
    {
        for (string? dir = cwd; dir != null; dir = Path.GetDirectoryName(dir))
            if (File.Exists(Path.Combine(dir, "Lmakefile.py"))) return dir.Length > 1 ? dir.TrimEnd('/') : dir;
        return cwd;
    }
}
