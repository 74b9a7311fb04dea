// What lmake shows on a terminal (issue 16), in a real one (tmux): the status lines in colour, a live bottom line
// with the counts of the jobs and the ETA, the same in the terminal's title, all of it gone with NO_COLOR (the
// colours) or --plain (everything); and through a pipe, the status lines alone, as scripts read them.
namespace Lmake.EndToEnd.Tests;

public class TerminalViewTests
{
    // jobs that wait for a file outside the repo (the test lets them end when it has seen what it looks for)
    private const string Rules = """
        import lmake
        from lmake.rules import Rule
        lmake.manifest = ('Lmakefile.py', 'v')
        class Ok(Rule):
            target = r'ok{N:\d}'
            cmd    = 'echo {N}'
        class Bad(Rule):
            target = 'bad'
            cmd    = 'echo oops >&2 ; exit 1'
        class Slow(Rule):
            target = r'slow{N:\d}'
            dep    = 'v'
            cmd    = 'while [ ! -e "$GATE" ] ; do sleep 0.05 ; done ; sleep 1 ; cat'
            environ = { 'GATE' : lmake.user_environ.get('GATE', '/nonexistent') }
        """;

    private static readonly TimeSpan Long = TimeSpan.FromSeconds(60);

    [Fact]
    public void StatusLinesAreColouredByWhatTheySay()
    {
        using var r = new LmakeRepo(Rules);
        using var term = new TmuxTerminal(r.Repo.Path);
        Assert.Equal(1, term.RunToEnd("lmake ok1 bad", Long));
        string colours = term.Screen(escapes: true);
        Assert.Matches(@"\e\[32m\d\d:\d\d:\d\d done +Ok .* ok1", colours);        // ok: green
        Assert.Matches(@"\e\[31m\d\d:\d\d:\d\d failed +Bad .* bad", colours);     // error: red
        Assert.Matches(@"\e\[34m\s*oops", colours);                               // the job's stderr under it: blue
        // the text itself is what a pipe gets
        string piped = r.Lmake("ok1", "bad").Result.Stdout;
        Assert.DoesNotContain("\e", piped);
    }

    [Fact]
    public void NoColourTakesTheColoursAwayAndPlainEverything()
    {
        using var r = new LmakeRepo(Rules);
        using (var term = new TmuxTerminal(r.Repo.Path, env: new Dictionary<string, string> { ["NO_COLOR"] = "1" }))
        {
            Assert.Equal(1, term.RunToEnd("lmake ok1 bad", Long));
            string screen = term.Screen(escapes: true);
            Assert.Contains("failed", screen);
            Assert.DoesNotMatch(@"\e\[3[0-9]m", screen);
        }
        using (var term = new TmuxTerminal(r.Repo.Path))
        {
            Assert.Equal(1, term.RunToEnd("lmake --plain -e ok2 bad", Long));
            string screen = term.Screen(escapes: true);
            Assert.Contains("failed", screen);
            Assert.DoesNotMatch(@"\e\[3[0-9]m", screen);
            Assert.DoesNotContain("lmake: done", term.Title());   // no title either
        }
    }

    [Fact]
    public void ABottomLineAndTheTitleCountTheJobsAndGiveTheEta()
    {
        using var r = new LmakeRepo(Rules);
        using var gate = new TempDir();
        r.Repo.Add("v", "1\n");
        string gateFile = gate["go"];
        // a first build (through a pipe) teaches the server how long a Slow job takes: the ETA needs it
        File.WriteAllText(gateFile, "");
        Assert.Equal(0, Installed.Run(Installed.Bin("lmake"), ["slow1", "slow2", "slow3"], r.Repo.Path,
            new Dictionary<string, string?> { ["GATE"] = gateFile }).ExitCode);
        File.Delete(gateFile);
        r.Repo.Write("v", "2\n");

        using var term = new TmuxTerminal(r.Repo.Path, env: new Dictionary<string, string> { ["GATE"] = gateFile });
        term.Type("lmake slow1 slow2 slow3 ; echo END=$?");
        string running = term.WaitFor(s => s.Contains("[done 0, failed 0, running"), Long);
        Assert.Matches(@"\[done 0, failed 0, running \d, queued \d\] ETA \d\d:\d\d:\d\d \(\d+s left\)", running);
        Assert.StartsWith("lmake: done 0, failed 0, running", term.Title());
        Assert.Contains(" left)", term.Title());
        File.WriteAllText(gateFile, "");
        string end = term.WaitFor(s => s.Contains("END=0"), Long);
        // the bottom line is gone: what stays on the screen is the status lines and the summary
        Assert.DoesNotContain("[done", end);
        Assert.Equal(3, end.Split('\n').Count(l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^\d\d:\d\d:\d\d done +Slow")));
        Assert.Equal("lmake: done 3, failed 0, running 0, queued 0", term.Title());
    }
}
