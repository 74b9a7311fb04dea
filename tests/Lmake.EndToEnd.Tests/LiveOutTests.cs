// lmake -o (spec A7): the stdout of the jobs making the asked targets reaches the client while they run,
// tab-indented (spec A6); their deps' stdout does not.
using System.Diagnostics;

namespace Lmake.EndToEnd.Tests;

public class LiveOutTests
{
    /// <summary>Talk prints line1, waits for a file the test makes, prints line2 and an unfinished line; its
    /// dep is made by a job that prints too. Shout's single `target` receives its stdout.</summary>
    private static string Lmakefile(string go) => $$"""
        from lmake.rules import Rule
        class Dep(Rule):
            targets = {'D': r'{F:.*}.dep'}
            cmd     = 'echo depline; echo d > {D}'
        class Talk(Rule):
            targets = {'T': r'{F:.*}.talk'}
            deps    = {'D': '{F}.dep'}
            cmd     = 'echo line1; for i in $(seq 300); do [ -e {{go}} ] && break; sleep 0.1; done; echo line2; printf last; echo x > {T}'
        class Shout(Rule):
            target  = r'{F:.*}.shout'
            cmd     = 'echo line1; for i in $(seq 300); do [ -e {{go}} ] && break; sleep 0.1; done; echo line2'
        """;

    [Fact]
    public void TheAskedJobsStdoutIsShownWhileItRuns()
    {
        using var flags = new TempDir();
        using var r = new LmakeRepo(Lmakefile(flags["go"]));
        List<string> lines = RunReleasingAfterLine1(r, flags["go"], "-o", "a.talk");
        int line1 = lines.IndexOf("\tline1"), done = lines.FindIndex(l => l.Contains(" done ") && l.EndsWith(" a.talk"));
        Assert.True(line1 >= 0 && done > line1, string.Join('\n', lines));
        Assert.True(lines.IndexOf("\tline2") is int l2 && l2 > line1 && l2 < done, string.Join('\n', lines));
        Assert.True(lines.IndexOf("\tlast") is int last && last > line1 && last < done, string.Join('\n', lines));
        Assert.DoesNotContain("\tdepline", lines);   // a dep's job is not an asked one
        Assert.Equal("x\n", r.Repo.Read("a.talk"));
    }

    [Fact]
    public void AJobWhoseTargetReceivesStdoutWritesItThereAndShowsIt()
    {
        using var flags = new TempDir();
        using var r = new LmakeRepo(Lmakefile(flags["go"]));
        List<string> lines = RunReleasingAfterLine1(r, flags["go"], "-o", "a.shout");
        Assert.Contains("\tline1", lines);
        Assert.Contains("\tline2", lines);
        Assert.Equal("line1\nline2\n", r.Repo.Read("a.shout"));
    }

    [Fact]
    public void WithoutDashONoStdoutIsShown()
    {
        using var flags = new TempDir();
        File.WriteAllText(flags["go"], "");
        using var r = new LmakeRepo(Lmakefile(flags["go"]));
        LmakeOutput o = r.Lmake("a.talk", "a.shout");
        Assert.True(o.Result.ExitCode == 0, o.ToString());
        Assert.DoesNotContain(o.Other, l => l.StartsWith('\t'));
        Assert.Equal("line1\nline2\n", r.Repo.Read("a.shout"));
    }

    [Fact]
    public void TheStdoutOfEachRuleThatMayMakeTheAskedTargetIsShown()
    {
        // A (prio 1) may make part2.txt but does not; B, tried next, does: both ran for the asked target
        using var r = new LmakeRepo("""
            from lmake.rules import Rule
            class A(Rule):
                prio    = 1
                targets = {'P': r'part{N*:\d+}.txt'}
                cmd     = 'echo from-a; echo a > part1.txt'
            class B(Rule):
                targets = {'P': r'part{N:\d+}.txt'}
                cmd     = 'echo from-b; echo b > {P}'
            """);
        LmakeOutput o = r.Lmake("-o", "part2.txt");
        Assert.True(o.Result.ExitCode == 0, o.ToString());
        Assert.Equal("b\n", r.Repo.Read("part2.txt"));
        Assert.True(o.Other.Contains("\tfrom-a") && o.Other.Contains("\tfrom-b"), o.ToString());
    }

    /// <summary>Runs lmake, reading its stdout as it comes: once line1 is there (and the job is still
    /// running, its target not made), makes the file the job waits for; returns every stdout line.</summary>
    private static List<string> RunReleasingAfterLine1(LmakeRepo r, string go, params string[] args)
    {
        var psi = new ProcessStartInfo(Installed.Bin("lmake"), args)
        {
            WorkingDirectory = r.Repo.Path, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        psi.Environment.Remove("LMAKE_ARGS");
        using Process lmake = Process.Start(psi)!;
        var stderr = lmake.StandardError.ReadToEndAsync();
        var lines = new List<string>();
        try
        {
            for (string? line; (line = lmake.StandardOutput.ReadLine()) != null;)
            {
                lines.Add(line);
                if (line != "\tline1") continue;
                Assert.False(File.Exists(go));
                Assert.False(lmake.HasExited);
                File.WriteAllText(go, "");   // only now can the job end
            }
        }
        finally
        {
            if (!File.Exists(go)) File.WriteAllText(go, "");   // a failing test must not leave the job waiting
        }
        Assert.True(lmake.WaitForExit(30_000));
        Assert.True(lmake.ExitCode == 0, string.Join('\n', lines) + "\n" + stderr.Result);
        return lines;
    }
}
