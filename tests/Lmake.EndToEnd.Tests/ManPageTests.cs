// The man pages of share/man/man1 against the commands of bin/: one page per command, the options each page
// documents are exactly those the command's -h prints (both ways), the pages render without groff warnings,
// and `man` finds them with MANPATH=<install>/share/man.
using System.Text.RegularExpressions;

namespace Lmake.EndToEnd.Tests;

/// <summary>Reads the options out of a -h text and out of a man(7) page, so that the two can be compared.</summary>
public static partial class OptionLists
{
    // An option line of -h: blanks, then "-x, --long ..." (System.CommandLine's help and our own usage texts)
    [GeneratedRegex(@"^\s+(-\S.*)$")] private static partial Regex HelpOptionLine();
    // One name at the start of what is left, followed by ", " (another name), a blank (its value or its text) or
    // the end: "-p:" in a column explanation is no option
    [GeneratedRegex(@"^(--?[A-Za-z0-9?][A-Za-z0-9-]*)(,\s*|\s|$)")] private static partial Regex HelpOptionName();
    // the in-job commands' usage says "-h, --help   this text;  --version: the version"
    [GeneratedRegex(@";\s+(--[a-z-]+):")] private static partial Regex InlineOption();
    [GeneratedRegex(@"\\f[BIRP]")] private static partial Regex FontEscape();
    [GeneratedRegex(@"(?<![\w-])(--?(?:\?|[A-Za-z0-9][A-Za-z0-9-]*))")] private static partial Regex ManOptionName();

    public static SortedSet<string> FromHelp(string help)
    {
        var options = new SortedSet<string>(StringComparer.Ordinal);
        foreach (string line in help.Split('\n'))
        {
            Match m = HelpOptionLine().Match(line);
            if (!m.Success) continue;
            string rest = m.Groups[1].Value;
            for (Match n = HelpOptionName().Match(rest); n.Success; n = HelpOptionName().Match(rest))
            {
                options.Add(n.Groups[1].Value);
                rest = rest[n.Length..];
                if (!n.Groups[2].Value.StartsWith(',')) break;
            }
            if (InlineOption().Match(line) is { Success: true } i) options.Add(i.Groups[1].Value);
        }
        return options;
    }

    /// <summary>The options of a man page: the tags of the .TP items in OPTIONS (key "") and under each .SS of
    /// COMMANDS (key: the command's name, for commands with sub-commands such as dijitso).</summary>
    public static Dictionary<string, SortedSet<string>> FromMan(string roff)
    {
        var bySection = new Dictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        string? section = null, sub = "";
        string[] lines = roff.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i].TrimEnd();
            if (line.StartsWith(".SH ", StringComparison.Ordinal)) { section = line[4..].Trim().Trim('"'); sub = ""; continue; }
            if (line.StartsWith(".SS ", StringComparison.Ordinal))
            {
                sub = Unescape(line[4..]).Split(' ', StringSplitOptions.RemoveEmptyEntries)[0];
                if (section == "COMMANDS") bySection.TryAdd(sub, new SortedSet<string>(StringComparer.Ordinal));
                continue;
            }
            if (line != ".TP" || i + 1 >= lines.Length) continue;
            string key = section switch { "OPTIONS" => "", "COMMANDS" => sub, _ => "-" };
            if (key == "-") continue;
            if (!bySection.TryGetValue(key, out var set)) bySection[key] = set = new SortedSet<string>(StringComparer.Ordinal);
            foreach (Match m in ManOptionName().Matches(Unescape(lines[i + 1]))) set.Add(m.Groups[1].Value);
        }
        return bySection;
    }

    private static string Unescape(string roff) => FontEscape().Replace(roff, "").Replace(@"\-", "-").Replace(@"\e", @"\");

    /// <summary>What one side has that the other lacks, as a message; empty when they agree.</summary>
    public static string Differences(string what, IEnumerable<string> help, IEnumerable<string> man)
    {
        var onlyHelp = help.Except(man).ToList();
        var onlyMan = man.Except(help).ToList();
        if (onlyHelp.Count == 0 && onlyMan.Count == 0) return "";
        return $"{what}: in -h but not in the man page: [{string.Join(' ', onlyHelp)}]; " +
               $"in the man page but not in -h: [{string.Join(' ', onlyMan)}]\n";
    }
}

public sealed class ManPageTests
{
    // The user commands of bin/ (EveryCommandOfBinIsListed keeps this list honest).
    public static readonly string[] Commands =
    [
        "lmake", "lshow", "lforget", "lmark", "ldebug", "lcollect", "lmake_repair", "lautodep", "lcache_repair", "lcache_server",
        "lcodec_repair", "ldecode", "lencode", "ldepend", "ltarget", "lcheck_deps", "xxhsum", "dijitso",
    ];

    public static TheoryData<string> CommandData() => new(Commands);

    private static string ManDir => Path.Combine(Installed.Root, "share", "man", "man1");

    private static string Help(params string[] commandAndArgs)
    {
        CommandResult r = Installed.Run(Installed.Bin(commandAndArgs[0]), commandAndArgs.Skip(1).Append("-h"), Path.GetTempPath());
        Assert.True(r.ExitCode == 0, r.ToString());
        return r.Stdout;
    }

    [Fact]
    public void EveryCommandOfBinIsListedAndHasAPageAndEveryPageACommand()
    {
        var bin = Directory.GetFileSystemEntries(Path.Combine(Installed.Root, "bin")).Select(Path.GetFileName).Order().ToList();
        Assert.Equal(Commands.Order(), bin);
        var pages = Directory.GetFiles(ManDir, "*.1").Select(p => Path.GetFileNameWithoutExtension(p)).Order().ToList();
        Assert.Equal(Commands.Order(), pages);
    }

    [Theory]
    [MemberData(nameof(CommandData))]
    public void TheOptionsOfHelpAndOfTheManPageAreTheSame(string command)
    {
        SortedSet<string> help = OptionLists.FromHelp(Help(command));
        Dictionary<string, SortedSet<string>> man = OptionLists.FromMan(File.ReadAllText(Path.Combine(ManDir, command + ".1")));
        Assert.True(help.Count >= 2, $"{command} -h: no options found (the parser is out of step with -h)");
        Assert.True(man.ContainsKey(""), $"{command}.1 has no OPTIONS section with .TP items");
        Assert.Equal("", OptionLists.Differences(command, help, man[""]));
    }

    [Fact]
    public void EachDijitsoCommandHasItsSectionWithTheOptionsOfItsHelp()
    {
        string top = Help("dijitso");
        var subs = top[(top.IndexOf("Commands:", StringComparison.Ordinal) + "Commands:".Length)..].Split('\n')
            .Select(l => Regex.Match(l, @"^  ([a-z]+)\b")).Where(m => m.Success).Select(m => m.Groups[1].Value).ToList();
        Assert.Contains("jit", subs);
        Dictionary<string, SortedSet<string>> man = OptionLists.FromMan(File.ReadAllText(Path.Combine(ManDir, "dijitso.1")));
        Assert.Equal(subs.Order(), man.Keys.Where(k => k != "").Order());
        string diffs = string.Concat(subs.Select(s => OptionLists.Differences("dijitso " + s, OptionLists.FromHelp(Help("dijitso", s)), man[s])));
        Assert.Equal("", diffs);
    }

    // The comparison above must be able to fail: an option added to -h without its page (or the reverse) is seen.
    [Fact]
    public void AnOptionMissingOnEitherSideIsReported()
    {
        const string help = "Options:\n  -j, --jobs <N>  run at most N jobs\n  -n, --dry-run   nothing\n  -h, --help  this text;  --version: the version\n";
        const string man = ".SH OPTIONS\n.TP\n\\fB\\-j\\fR, \\fB\\-\\-jobs\\fR \\fIN\\fR\nN jobs.\n.TP\n\\fB\\-h\\fR, \\fB\\-\\-help\\fR\nhelp\n" +
                           ".TP\n\\fB\\-\\-version\\fR\nversion\n.TP\n\\fB\\-x\\fR\nnot in -h\n.SH EXIT STATUS\n.TP\n.B 0\nok\n";
        Assert.Equal(["--dry-run", "--help", "--jobs", "--version", "-h", "-j", "-n"], OptionLists.FromHelp(help));
        Assert.Equal(["--help", "--jobs", "--version", "-h", "-j", "-x"], OptionLists.FromMan(man)[""]);
        string diff = OptionLists.Differences("cmd", OptionLists.FromHelp(help), OptionLists.FromMan(man)[""]);
        Assert.Contains("in -h but not in the man page: [--dry-run -n]", diff);
        Assert.Contains("in the man page but not in -h: [-x]", diff);
    }

    [Theory]
    [MemberData(nameof(CommandData))]
    public void ThePageRendersWithoutWarnings(string command)
    {
        if (!File.Exists("/usr/bin/groff")) return;      // groff comes with man-db; without it there is nothing to check
        CommandResult r = Installed.Run("/usr/bin/groff", ["-man", "-Tutf8", "-ww", "-z", Path.Combine(ManDir, command + ".1")], Path.GetTempPath());
        Assert.True(r.ExitCode == 0 && r.Stderr == "", r.ToString());
    }

    [Fact]
    public void ManFindsThePagesWithManpathSetToTheInstall()
    {
        if (!File.Exists("/usr/bin/man")) return;
        var env = new Dictionary<string, string?> { ["MANPATH"] = Path.Combine(Installed.Root, "share", "man") };
        CommandResult r = Installed.Run("/usr/bin/man", ["-w", "lshow"], Path.GetTempPath(), env);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(Path.Combine(ManDir, "lshow.1"), r.Stdout.Trim());
        CommandResult page = Installed.Run("/usr/bin/man", ["-P", "cat", "lmake"], Path.GetTempPath(),
            new Dictionary<string, string?>(env) { ["MANWIDTH"] = "100", ["LANG"] = "C.UTF-8" });
        Assert.True(page.ExitCode == 0, page.ToString());
        Assert.Contains("--forget-old-errors", page.Stdout.Replace("\u2010", "-"));
    }
}
