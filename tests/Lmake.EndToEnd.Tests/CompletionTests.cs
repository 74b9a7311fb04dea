// The bash completion of share/bash-completion/completions/: sourced in bash, its function called with
// COMP_WORDS/COMP_CWORD as bash would set them, COMPREPLY checked: the options of each command (as its -h
// lists them), target names (files on disk, the rules' fixed-name targets, what jobs made before), rule
// names, option values; and that it starts no server.
namespace Lmake.EndToEnd.Tests;

public sealed class CompletionTests : IDisposable
{
    private readonly TempRepo _repo = new();

    private static string Script => Path.Combine(Installed.Root, "share", "bash-completion", "completions", "lmake");

    public CompletionTests()
    {
        _repo.Add("Lmakefile.py", """
            import lmake
            from lmake.rules import Rule
            lmake.manifest = ('Lmakefile.py', 'prog.c', 'sub/data.txt')
            class Compile(Rule):
                targets = {'OBJ': r'{File:.*}.o'}
                deps    = {'SRC': '{File}.c'}
                cmd     = 'gcc -c -o {OBJ} {SRC}'
            class Link(Rule):
                targets = {'EXE': 'prog'}
                deps    = {'OBJ': 'prog.o'}
                cmd     = 'gcc -o {EXE} {OBJ}'
            class Report(Rule):
                target = 'sub/report.txt'
                deps   = {'IN': 'sub/data.txt'}
                cmd    = 'cat {IN}'
            class Never(Rule):
                target = 'package.tar'
                cmd    = 'echo never made'
            """);
        _repo.Add("prog.c", "int main(void) { return 0; }\n");
        _repo.Add("sub/data.txt", "data\n");
    }

    public void Dispose()
    {
        _repo.KillServer();
        _repo.Dispose();
    }

    /// <summary>COMPREPLY for the command line <paramref name="words"/>, the last one being completed.</summary>
    private List<string> Complete(string cwd, params string[] words)
    {
        string quoted = string.Join(' ', words.Select(w => "'" + w.Replace("'", "'\\''") + "'"));
        string script = $"source '{Script}' && COMP_WORDS=({quoted}) && COMP_CWORD={words.Length - 1} && " +
                        "_lmake_complete && printf '%s\\n' \"${COMPREPLY[@]}\"";
        CommandResult r = Installed.Shell(script, cwd);
        Assert.True(r.ExitCode == 0 && r.Stderr == "", r.ToString());
        return r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).ToList();
    }

    private void Build()
    {
        LmakeOutput r = new(_repo.Run("lmake", "prog", "sub/report.txt"));
        Assert.True(r.Result.ExitCode == 0, r.ToString());
    }

    [Theory]
    [MemberData(nameof(ManPageTests.CommandData), MemberType = typeof(ManPageTests))]
    public void TheOptionsOfACommandAreThoseOfItsHelp(string command)
    {
        CommandResult help = Installed.Run(Installed.Bin(command), ["-h"], _repo.Path);
        SortedSet<string> expected = OptionLists.FromHelp(help.Stdout);
        // "-?" would be a glob to bash; every other option must be offered for a lone "-"
        expected.Remove("-?");
        var offered = Complete(_repo.Path, command, "-").ToHashSet();
        var missing = expected.Where(o => !offered.Contains(o)).ToList();
        Assert.True(missing.Count == 0, $"{command} -: not offered: {string.Join(' ', missing)}");
        Assert.Equal(["--help"], Complete(_repo.Path, command, "--he"));
    }

    [Fact]
    public void EveryCommandIsRegisteredAndHasItsFileForOnDemandLoading()
    {
        string dir = Path.GetDirectoryName(Script)!;
        foreach (string command in ManPageTests.Commands)
            Assert.True(File.Exists(Path.Combine(dir, command)), $"no completion file for {command}");
        CommandResult r = Installed.Shell($"source '{Script}' && complete -p {string.Join(' ', ManPageTests.Commands)}", _repo.Path);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(ManPageTests.Commands.Length, r.Stdout.Split('\n').Count(l => l.Contains("-F _lmake_complete")));
    }

    [Fact]
    public void TargetsAreFilesFixedNameTargetsAndWhatJobsMade()
    {
        Build();
        File.Delete(_repo["prog.o"]);           // gone from the disk, still known to the store
        List<string> all = Complete(_repo.Path, "lmake", "");
        Assert.Contains("prog.c", all);          // a file
        Assert.Contains("prog.o", all);          // made by a job of a rule with a stem (read from the store)
        Assert.Contains("package.tar", all);     // a fixed-name target never made
        Assert.Contains("prog", all);
        Assert.Equal(["prog", "prog.c", "prog.o"], Complete(_repo.Path, "lshow", "-i", "pro"));
        Assert.Equal(["sub/report.txt"], Complete(_repo.Path, "lforget", "sub/rep"));
        // names are relative to the current dir, as the commands take them
        Assert.Equal(["data.txt", "report.txt"], Complete(_repo["sub"], "ldebug", ""));
    }

    [Fact]
    public void OptionValuesAreRuleNamesOrTheWordsTheOptionTakes()
    {
        Build();
        Assert.Equal(["Compile", "Link", "Never", "Report"], Complete(_repo.Path, "lshow", "-R", "").Order());
        Assert.Equal(["Link"], Complete(_repo.Path, "lforget", "--rule", "L"));
        Assert.Equal(["download", "none", "plain", "upload"], Complete(_repo.Path, "lmake", "-c", "").Order());
        Assert.Empty(Complete(_repo.Path, "lmake", "-j", ""));       // a number: nothing to offer
        Assert.Equal(["ptrace"], Complete(_repo.Path, "lautodep", "-m", "pt"));
        Assert.Equal(["jit"], Complete(_repo.Path, "dijitso", "j"));
        Assert.Equal(["checkout", "clean", "config", "grep", "grepfunction", "jit", "show", "version"], Complete(_repo.Path, "dijitso", "").Order());
        Assert.Equal(["--build-on"], Complete(_repo.Path, "dijitso", "jit", "--bu"));
        Assert.Equal(["node", "process", "root"], Complete(_repo.Path, "dijitso", "jit", "--build-on", "").Order());
        Assert.Equal(["sub"], Complete(_repo.Path, "lcollect", "s"));  // a dir
    }

    [Fact]
    public void NoServerIsStartedAndNothingWritten()
    {
        // a repo never built: only the files are offered, and no LMAKE/ appears
        List<string> names = Complete(_repo.Path, "lmake", "p");
        Assert.Equal(["prog.c"], names);
        Assert.False(Directory.Exists(_repo["LMAKE"]), "completion created LMAKE/");
    }

    // In an interactive bash (in tmux), Tab really calls the function: the words are completed on the line,
    // typed ahead in one go as a user would (nothing the completion runs may read the terminal).
    [Fact]
    public void TabInARealBashCompletesTheWord()
    {
        if (!File.Exists("/usr/bin/tmux")) return;      // no terminal multiplexer to drive a shell with
        Build();
        string socket = "lmake-completion-" + Environment.ProcessId + "-" + Guid.NewGuid().ToString("N")[..8];
        CommandResult Tmux(params string[] args) => Installed.Run("/usr/bin/tmux", ["-L", socket, .. args], _repo.Path);
        try
        {
            Assert.Equal(0, Tmux("new-session", "-d", "-x", "150", "-y", "20", "bash --norc --noprofile -i").ExitCode);
            Tmux("send-keys", $"PS1='$ '; export PATH='{Installed.Root}/bin':$PATH; source '{Script}'; clear", "Enter");
            // an option, then a fixed-name target that is neither on disk nor made yet: only the rules know it
            Tmux("send-keys", "lshow --inv-t", "Tab", "packa", "Tab");
            string screen = "";
            for (int i = 0; i < 50 && !screen.Contains("lshow --inv-targets package.tar", StringComparison.Ordinal); i++)
            {
                Thread.Sleep(100);
                screen = Tmux("capture-pane", "-p").Stdout;
            }
            Assert.Contains("$ lshow --inv-targets package.tar", screen);
        }
        finally { Tmux("kill-server"); }
    }
}
