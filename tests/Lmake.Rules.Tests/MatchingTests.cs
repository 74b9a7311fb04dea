// Which rules may make a file, in the order spec A3 tries them, and the prefix/suffix index giving the same
// answers as trying every rule's regex.
using Lmake.Server.Rules;

namespace Lmake.Rules.Tests;

public class MatchingTests
{
    private const string Head = "import lmake\nfrom lmake.rules import Rule, PyRule, AliasRule, AntiRule, SourceRule\nlmake.manifest = ('Lmakefile.py',)\n";

    [Fact]
    public void HigherPrioFirstAndAntiAndSourceRulesBeforeAll()
    {
        using var repo = new LmakefileRepo(Head + """
            class Generic(Rule):
                target = '{File:.*}.o'
                cmd    = 'generic'
            class Special(Rule):
                prio   = 2
                target = 'lib/{File:.*}.o'
                cmd    = 'special'
            class Low(Rule):
                prio   = -1
                target = '{File:.*}.o'
                cmd    = 'low'
            class NoTmp(AntiRule):
                target = 'tmp/{File:.*}'
            class Vendor(SourceRule):
                prio   = 1
                target = 'lib/vendor/{File:.*}'
            """);
        Makefiles m = repo.Read();
        var index = new RuleIndex(m.Rules);
        Assert.Equal(["Special", "Generic", "Low"], index.Candidates("lib/a.o").Select(c => c.Rule.Name));
        Assert.Equal(["Vendor", "Special", "Generic", "Low"], index.Candidates("lib/vendor/x.o").Select(c => c.Rule.Name));
        Assert.Equal(["NoTmp", "Generic", "Low"], index.Candidates("tmp/x.o").Select(c => c.Rule.Name));
        Assert.Equal(RuleKind.Anti, m.Rules.Single(r => r.Name == "NoTmp").Kind);
        Assert.Equal(RuleKind.Source, m.Rules.Single(r => r.Name == "Vendor").Kind);
        Assert.Empty(index.Candidates("a.c"));
        Assert.Equal("vendor/x", index.Candidates("lib/vendor/x.o")[1].Stems["File"]);
    }

    [Fact]
    public void RepeatedStemsAndStemRegexprsRestrictMatches()
    {
        using var repo = new LmakefileRepo(Head + """
            class Same(Rule):
                target = r'{A:\w+}-{A}.pair'
                cmd    = 'true'
            class Num(Rule):
                stems  = {'N': r'\d{2,}'}
                target = 'n{N}.txt'
                cmd    = 'true'
            class Braces(Rule):
                target = '{{lit}}/{X:[a-z]{,3}}'
                cmd    = 'true'
            """);
        var index = new RuleIndex(repo.Read().Rules);
        Assert.Equal("ab", Assert.Single(index.Candidates("ab-ab.pair")).Stems["A"]);
        Assert.Empty(index.Candidates("ab-cd.pair"));
        Assert.Single(index.Candidates("n12.txt"));
        Assert.Empty(index.Candidates("n1.txt"));
        Assert.Equal("abc", Assert.Single(index.Candidates("{lit}/abc")).Stems["X"]);
        Assert.Empty(index.Candidates("{lit}/abcd"));
    }

    [Fact]
    public void IndexGivesTheSameAnswersAsTryingEveryRule()
    {
        var rnd = new Random(1234);
        string[] exts = ["o", "c", "h", "txt", "out", "tar.gz", "d", ""];
        string[] dirs = ["", "src/", "lib/", "build/x/", "a/"];
        string[] regexprs = [".*", @"\w+", "[a-z]+", @"\d+", ".+", "[^/]*"];
        var lmakefile = new System.Text.StringBuilder(Head);
        for (int r = 0; r < 60; r++)
        {
            string ext = exts[rnd.Next(exts.Length)];
            string dir = dirs[rnd.Next(dirs.Length)];
            string pattern = rnd.Next(5) switch
            {
                0 => $"{dir}fixed{r % 7}.{ext}",                                       // no stem
                1 => $"{dir}{{A:{regexprs[rnd.Next(regexprs.Length)]}}}-{{B:{regexprs[rnd.Next(regexprs.Length)]}}}.{ext}",
                2 => $"{dir}{{A:{regexprs[rnd.Next(regexprs.Length)]}}}/{{A}}.{ext}",
                _ => $"{dir}{{A:{regexprs[rnd.Next(regexprs.Length)]}}}.{ext}",
            };
            string kind = rnd.Next(8) == 0 ? "AntiRule" : rnd.Next(8) == 0 ? "SourceRule" : "Rule";
            lmakefile.Append($"class R{r}({kind}):\n    prio = {rnd.Next(-2, 3)}\n    target = r'{pattern}'\n");
            if (kind == "Rule") lmakefile.Append("    cmd = 'true'\n");
        }
        using var repo = new LmakefileRepo(lmakefile.ToString());
        Makefiles m = repo.Read();
        Assert.Equal(60, m.Rules.Count);
        var index = new RuleIndex(m.Rules);
        string[] words = ["x", "ab", "12", "fixed3", "a-b", "q_1", "src", "a/a", "lib/x", ""];
        int nonEmpty = 0;
        for (int i = 0; i < 3000; i++)
        {
            string name = dirs[rnd.Next(dirs.Length)] + words[rnd.Next(words.Length)]
                + (rnd.Next(3) == 0 ? "-" + words[rnd.Next(words.Length)] : "")
                + (rnd.Next(4) == 0 ? "/" + words[rnd.Next(words.Length)] : "") + "." + exts[rnd.Next(exts.Length)];
            var scanned = new List<RuleMatch>();
            foreach (Rule rule in m.Rules)
                for (int t = 0; t < rule.Targets.Count; t++)
                    if (rule.Targets[t].Match(name) is { } stems) scanned.Add(new RuleMatch(rule, t, stems));
            var expected = RuleIndex.Order(scanned).Select(c => (c.Rule.Name, c.TargetIndex, string.Join(",", c.Stems.OrderBy(kv => kv.Key)))).ToList();
            var actual = index.Candidates(name).Select(c => (c.Rule.Name, c.TargetIndex, string.Join(",", c.Stems.OrderBy(kv => kv.Key)))).ToList();
            Assert.True(expected.SequenceEqual(actual), $"{name}: expected {string.Join(" ", expected)}, got {string.Join(" ", actual)}");
            if (expected.Count > 0) nonEmpty++;
        }
        Assert.True(nonEmpty > 300, $"only {nonEmpty} names matched: the test does not exercise the index");
    }

    [Fact]
    public void StemsOfTheCommonRegexprsAreTheOnesTheRegexGives()
    {
        // these patterns are matched without running their regex: the stems must still be the regex's choice
        var rnd = new Random(4321);
        string[] regexprs = [".*", ".+", "[^/]*", "[^/]+"];
        string[] texts = ["", "/", ".", "-", "a", "/x.", ".o"];
        var lmakefile = new System.Text.StringBuilder(Head);
        for (int r = 0; r < 40; r++)
        {
            System.Text.StringBuilder pattern, fixedText;
            do   // a target is a relative, canonical name whatever its stems hold: other patterns are refused
            {
                pattern = new System.Text.StringBuilder(texts[rnd.Next(texts.Length)]);
                fixedText = new System.Text.StringBuilder(pattern.ToString());
                int stems = 1 + rnd.Next(3);
                for (int k = 0; k < stems; k++)
                {
                    string text = texts[rnd.Next(texts.Length)];
                    pattern.Append($"{{S{k}:{regexprs[rnd.Next(regexprs.Length)]}}}").Append(text);
                    fixedText.Append('S').Append(text);
                }
            } while (fixedText[0] == '/' || fixedText.ToString().Split('/').Any(c => c is "" or "." or ".."));
            lmakefile.Append($"class R{r}(Rule):\n    target = r'{pattern}'\n    cmd = 'true'\n");
        }
        using var repo = new LmakefileRepo(lmakefile.ToString());
        Makefiles m = repo.Read();
        char[] alphabet = ['a', 'b', '/', '.', '-', '\n', 'o', 'x'];
        int matched = 0;
        for (int i = 0; i < 20_000; i++)
        {
            string name = new(Enumerable.Range(0, rnd.Next(9)).Select(_ => alphabet[rnd.Next(alphabet.Length)]).ToArray());
            foreach (Rule rule in m.Rules)
            {
                TargetSpec target = rule.Targets[0];
                System.Text.RegularExpressions.Match expected = target.Regex.Match(name);
                IReadOnlyDictionary<string, string>? actual = target.Match(name);
                Assert.True(expected.Success == (actual != null), $"{target.Pattern} on {name}: regex says {expected.Success}");
                if (actual == null) continue;
                matched++;
                foreach (string stem in target.Pattern.Names)
                    Assert.True(expected.Groups[stem].Value == actual[stem], $"{target.Pattern} on {name}: {stem} = {actual[stem]}, regex {expected.Groups[stem].Value}");
            }
        }
        Assert.True(matched > 1000, $"only {matched} matches: the test does not exercise the matcher");
    }
}

public class AliasRuleTests
{
    [Fact]
    public void AliasTargetsArePhonyAndAnAliasWithoutCmdRunsNothing()
    {
        using var repo = new LmakefileRepo("""
            import lmake
            from lmake.rules import AliasRule
            lmake.manifest = ('Lmakefile.py',)
            class All(AliasRule):
                target = 'all'
                deps   = {'A': 'a.out', 'B': 'b.out'}
            """);
        Makefiles m = repo.Read();
        RuleMatch match = Assert.Single(new RuleIndex(m.Rules).Candidates("all"));
        Assert.Equal(RuleKind.Alias, match.Rule.Kind);
        using var evaluator = new RuleEvaluator(m, TestLayout.Layout, repo.Root);
        JobPlan plan = evaluator.Plan(match);
        Assert.Equal([TargetFlags.Essential | TargetFlags.Phony], plan.TargetFlags);
        Assert.Equal(["a.out", "b.out"], plan.StaticDeps.Select(d => d.Name));
        Assert.False(plan.HasCmd);
    }
}
