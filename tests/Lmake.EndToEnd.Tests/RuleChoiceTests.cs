// How lmake chooses a rule for a file (spec A3) and the errors of that choice, end to end.
namespace Lmake.EndToEnd.Tests;

public class RuleChoiceTests
{
    [Fact]
    public void StarTargetsAreAllMadeByOneJob()
    {
        using var r = new LmakeRepo("""
            from lmake.rules import Rule
            class Split(Rule):
                targets = {'PART': r'{Base:\w+}.part{N*:\d+}'}
                deps    = {'SRC': '{Base}.txt'}
                cmd     = 'i=0; while read l; do echo "$l" > {Base}.part$i; i=$((i+1)); done < {SRC}'
            """);
        r.Repo.Add("a.txt", "one\ntwo\nthree\n");
        LmakeOutput o = r.Lmake("a.part1", "a.part2");
        Assert.True(o.Result.ExitCode == 0, o.ToString());
        Assert.Single(o.Jobs, s => s.Word == "done");
        Assert.Equal("two\n", r.Repo.Read("a.part1"));
        Assert.Equal("three\n", r.Repo.Read("a.part2"));
        Assert.Equal("one\n", r.Repo.Read("a.part0"));
    }

    [Fact]
    public void AntiRuleMakesNamesUnbuildable()
    {
        using var r = new LmakeRepo("""
            from lmake.rules import Rule, AntiRule
            class Copy(Rule):
                targets = {'DST': r'{F:.*}.copy'}
                deps    = {'SRC': '{F}'}
                cmd     = 'cat {SRC} > {DST}'
            class NoSecret(AntiRule):
                target = r'secret{S:.*}.copy'
            """);
        r.Repo.Add("secret.txt", "x\n");
        r.Repo.Add("public.txt", "y\n");
        Assert.Equal(0, r.Lmake("public.txt.copy").Result.ExitCode);
        LmakeOutput o = r.Lmake("secret.txt.copy");
        Assert.Equal(1, o.Result.ExitCode);
        Assert.Contains("no rule for secret.txt.copy", o.Summary);
        Assert.False(File.Exists(r.Repo["secret.txt.copy"]));
    }

    [Fact]
    public void HigherPrioWins()
    {
        using var r = new LmakeRepo("""
            from lmake.rules import Rule
            class Low(Rule):
                targets = {'T': r'{F:.*}.out'}
                cmd     = 'echo low > {T}'
            class High(Rule):
                prio    = 1
                targets = {'T': r'{F:.*}.out'}
                cmd     = 'echo high > {T}'
            """);
        LmakeOutput o = r.Lmake("x.out");
        Assert.True(o.Result.ExitCode == 0, o.ToString());
        Assert.Equal("high\n", r.Repo.Read("x.out"));
        Assert.Equal(["High"], o.Jobs.Select(s => s.Rule));
    }

    [Fact]
    public void TooLongANameIsInfinite()
    {
        using var r = new LmakeRepo("""
            import lmake
            from lmake.rules import Rule
            lmake.config.path_max = 30
            class Grow(Rule):
                targets = {'T': r'{F:.*}.x'}
                deps    = {'D': '{F}.x.x'}
                cmd     = 'cat {D} > {T}'
            """);
        LmakeOutput o = r.Lmake("a.x");
        Assert.Equal(1, o.Result.ExitCode);
        // only the job whose dep is too long fails (it is where the chain is cut): no job runs
        Assert.Equal("failed", Assert.Single(o.Jobs).Word);
        Assert.Contains(o.Other, l => l.Contains("path_max"));
    }

    private const string SplitRule = """
        from lmake.rules import Rule
        class Split(Rule):
            prio    = 1
            targets = {'P': r'part{N*:\d+}.txt'}
            cmd     = 'echo one > part1.txt; echo two > part2.txt'
        """;

    [Fact]
    public void AFileAStarJobDidNotMakeIsMadeByALowerPrio()
    {
        using var r = new LmakeRepo(SplitRule + """

            class Default(Rule):
                targets = {'T': r'part{N:\d+}.txt'}
                cmd     = 'echo default > {T}'
            """);
        LmakeOutput o = r.Lmake("part1.txt", "part3.txt");
        Assert.True(o.Result.ExitCode == 0, o.ToString());
        Assert.Equal(["Split", "Default"], o.Jobs.Where(s => s.Word == "done").Select(s => s.Rule).Order().Reverse());
        Assert.Equal("one\n", r.Repo.Read("part1.txt"));
        Assert.Equal("default\n", r.Repo.Read("part3.txt"));
        o = r.Lmake("part1.txt", "part3.txt");
        Assert.Empty(o.Jobs);
        Assert.Contains("was already up-to-date : part3.txt", o.Summary);
    }

    [Fact]
    public void AFileNoStarJobMadeHasNoRuleAndSaysWhy()
    {
        using var r = new LmakeRepo(SplitRule);
        LmakeOutput o = r.Lmake("part3.txt");
        Assert.Equal(1, o.Result.ExitCode);
        Assert.Contains(new Status("done", "Split", "part{N*}.txt"), o.Statuses);
        Assert.Contains("no rule for part3.txt", o.Summary);
        Assert.Contains("  rule Split does not produce it", o.Summary);
    }

    [Fact]
    public void StarRulesOfTheSamePrioAreTriedInTurnNotMulti()
    {
        using var r = new LmakeRepo("""
            from lmake.rules import Rule
            class A(Rule):
                targets = {'P': r'part{N*:\d+}.txt'}
                cmd     = 'echo a > part1.txt'
            class B(Rule):
                targets = {'P': r'part{N*:\d+}.txt'}
                cmd     = 'echo b > part2.txt'
            """);
        LmakeOutput o = r.Lmake("part2.txt");
        Assert.True(o.Result.ExitCode == 0, o.ToString());
        Assert.Equal("b\n", r.Repo.Read("part2.txt"));
        Assert.DoesNotContain("multi", o.Statuses.Select(s => s.Word));
    }

    [Fact]
    public void TwoRulesOfTheSamePrioAreMulti()
    {
        using var r = new LmakeRepo("""
            from lmake.rules import Rule
            class A(Rule):
                targets = {'T': r'{F:.*}.out'}
                cmd     = 'echo a > {T}'
            class B(Rule):
                targets = {'T': r'{F:.*}.out'}
                cmd     = 'echo b > {T}'
            """);
        LmakeOutput o = r.Lmake("x.out");
        Assert.Equal(1, o.Result.ExitCode);
        Assert.Contains(o.Statuses, s => s.Word == "multi" && s.Name == "x.out");
        Assert.DoesNotContain(o.Jobs, s => s.Word == "done");
    }

    [Fact]
    public void BelowABuildableFileNothingIsBuildable()
    {
        using var r = new LmakeRepo("""
            from lmake.rules import Rule
            class Any(Rule):
                targets = {'T': r'{F:[^/]*}.d'}
                cmd     = 'echo x > {T}'
            class Under(Rule):
                targets = {'T': r'{D:.*}.d/{F:.*}'}
                cmd     = 'echo y > {T}'
            """);
        LmakeOutput o = r.Lmake("a.d/b");
        Assert.Equal(1, o.Result.ExitCode);
        Assert.Contains("no rule for a.d/b", o.Summary);
    }
}
