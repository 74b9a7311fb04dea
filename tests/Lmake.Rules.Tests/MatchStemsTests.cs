// A match lets go of its stems once its job is resolved (issue 18) and finds them again from the file name it
// matched: the same stems, and the same plan, as before; a match made from stems alone keeps them.
using Lmake.Server.Rules;

namespace Lmake.Rules.Tests;

public class MatchStemsTests
{
    private const string Lmakefile = """
        import lmake
        from lmake.rules import Rule
        lmake.manifest = ('Lmakefile.py',)
        class Compile(Rule):
            targets = {'OBJ': r'{Dir:.+}/{Base:[^/]+}.o'}
            deps    = {'SRC': '{Dir}/{Base}.c'}
            cmd     = 'cc -c -o {OBJ} {SRC}'
        class Pick(Rule):
            targets = {'OUT': r'picked/{N:\d+}-{Kind:(lo|hi)}.txt'}
            cmd     = 'echo {N} {Kind} > {OUT}'
        """;

    [Theory]
    [InlineData("lib/sub/x.o", "Base=x Dir=lib/sub")]
    [InlineData("picked/42-hi.txt", "Kind=hi N=42")]
    public void StemsLetGoAreFoundAgainFromTheName(string file, string expected)
    {
        using var repo = new LmakefileRepo(Lmakefile);
        Makefiles m = repo.Read();
        RuleMatch match = Assert.Single(new RuleIndex(m.Rules).Candidates(file));
        Assert.Equal(file, match.Name);
        Assert.Equal(expected, Shown(match.Stems));
        using var evaluator = new RuleEvaluator(m, TestLayout.Layout, repo.Root);
        JobPlan before = evaluator.Plan(match);
        match.LetGoOfStems();
        Assert.Equal(expected, Shown(match.Stems));
        JobPlan after = evaluator.Plan(match);
        Assert.Equal(before.JobName, after.JobName);
        Assert.Equal(before.Targets, after.Targets);
        Assert.Equal(before.StaticDeps.Select(d => d.Name), after.StaticDeps.Select(d => d.Name));
    }

    [Fact]
    public void AMatchMadeFromStemsAloneKeepsThem()
    {
        using var repo = new LmakefileRepo(Lmakefile);
        Rule compile = repo.Read().Rules.Single(r => r.Name == "Compile");
        var stems = new Dictionary<string, string> { ["Dir"] = "d", ["Base"] = "b" };
        var match = new RuleMatch(compile, 0, stems);
        match.LetGoOfStems();
        Assert.Same(stems, match.Stems);
        Assert.Null(match.Name);
    }

    private static string Shown(IReadOnlyDictionary<string, string> stems) =>
        string.Join(' ', stems.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}={kv.Value}"));
}
