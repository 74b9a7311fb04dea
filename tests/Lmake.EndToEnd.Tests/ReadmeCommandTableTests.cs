// README.md's table of commands against what is installed: one row per man page (and no row without one), and
// every option a row names is one the command's -h lists, so that the README cannot promise an option that does
// not exist. (The man pages against -h, both ways: ManPageTests.)
using System.Text.RegularExpressions;

namespace Lmake.EndToEnd.Tests;

public sealed partial class ReadmeCommandTableTests
{
    // a row: | `COMMAND SYNOPSIS`, `COMMAND OTHER FORM` | what |
    [GeneratedRegex(@"^\|\s*`(?<cmd>[a-z_]+)(?<syn>[^|]*(?:\\\|[^|]*)*)\|")] private static partial Regex Row();
    [GeneratedRegex(@"(?<![\w-])(--?[A-Za-z][A-Za-z-]*)")] private static partial Regex Option();

    // the project's source tree: the first dir up from the test binaries holding README.md and doc/man
    private static readonly string Root = FindSourceRoot();

    private static string FindSourceRoot()
    {
        for (string? d = AppContext.BaseDirectory; d != null; d = Path.GetDirectoryName(d))
            if (File.Exists(Path.Combine(d, "README.md")) && Directory.Exists(Path.Combine(d, "doc", "man", "man1"))) return d;
        throw new InvalidOperationException("no README.md with doc/man/man1 above " + AppContext.BaseDirectory);
    }

    private static Dictionary<string, string> Rows()
    {
        string readme = File.ReadAllText(Path.Combine(Root, "README.md"));
        int start = readme.IndexOf("\n## Commands\n", StringComparison.Ordinal);
        Assert.True(start >= 0, "README.md has no Commands section");
        int end = readme.IndexOf("\n## ", start + 1, StringComparison.Ordinal);
        var rows = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string line in readme[start..end].Split('\n'))
            if (Row().Match(line) is { Success: true } m) rows[m.Groups["cmd"].Value] = m.Groups["syn"].Value;
        return rows;
    }

    [Fact]
    public void Every_man_page_has_a_row_and_every_row_a_man_page()
    {
        var pages = Directory.GetFiles(Path.Combine(Root, "doc/man/man1"), "*.1").Select(Path.GetFileNameWithoutExtension).ToHashSet();
        var rows = Rows().Keys.ToHashSet();
        Assert.Equal(pages.Order(), rows.Order());
    }

    [Fact]
    public void Every_option_a_row_names_is_one_its_command_lists()
    {
        var wrong = new List<string>();
        foreach (var (command, synopsis) in Rows())
        {
            if (command == "dijitso") continue;   // sub-commands, not options (their options: ManPageTests)
            CommandResult help = Installed.Command(command, "-h");
            SortedSet<string> known = OptionLists.FromHelp(help.Stdout + help.Stderr);
            // (the in-job commands' usage line also gives the short ones glued: "-cEerDIRXvdLx")
            foreach (Match o in Option().Matches(synopsis.Replace(@"\|", " ")))
                if (!known.Contains(o.Value)) wrong.Add($"{command} {o.Value}");
        }
        Assert.True(wrong.Count == 0, "options README.md names that -h does not list: " + string.Join(", ", wrong));
    }
}
