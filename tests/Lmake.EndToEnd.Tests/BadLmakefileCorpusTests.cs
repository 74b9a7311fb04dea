// The corpus of tests/faults/bad_lmakefiles: each file an Lmakefile.py with one mistake (a syntax error, an
// exception, an attribute of the wrong type, a bad regexpr, a target outside the repo, a config key misspelt...)
// and, on its first line, the line lmake must point at. Whatever the mistake, a user gets exit 8 and one line
// FILE:LINE: what is wrong -- never a stack trace or an "internal error".
using System.Text.RegularExpressions;

namespace Lmake.EndToEnd.Tests;

public class BadLmakefileCorpusTests
{
    private static readonly string Corpus = Path.Combine(AppContext.BaseDirectory, "bad_lmakefiles");

    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (string f in Directory.GetFiles(Corpus, "*.py").Order(StringComparer.Ordinal)) data.Add(Path.GetFileNameWithoutExtension(f));
        return data;
    }

    [Fact]
    public void TheCorpusHoldsAtLeastFiftyCases() => Assert.True(Cases().Count >= 50, $"{Cases().Count} cases in {Corpus}");

    [Theory]
    [MemberData(nameof(Cases))]
    public void ABadLmakefileGivesExit8AndOneLineSayingWhereAndWhat(string name)
    {
        string text = File.ReadAllText(Path.Combine(Corpus, name + ".py"));
        Match expect = Regex.Match(text, @"^# expect: (?<where>\S+:\d+:) \.\.\. (?<what>.+)$", RegexOptions.Multiline);
        Assert.True(expect.Success, $"{name}.py: its first line must be '# expect: FILE:LINE: ... FRAGMENT'");
        using var r = new LmakeRepo(text);
        LmakeOutput o = r.Lmake("some_target");
        string stderr = o.Result.Stderr;
        Assert.True(o.Result.ExitCode == 8, $"{name}: exit {o.Result.ExitCode}\n{o}");
        string where = expect.Groups["where"].Value, what = expect.Groups["what"].Value.TrimEnd();
        Assert.True(stderr.Split('\n').Any(l => l.StartsWith(where + " ", StringComparison.Ordinal) && l.Contains(what, StringComparison.Ordinal)),
            $"{name}: no line '{where} ...{what}...' in:\n{stderr}");
        Assert.DoesNotContain("internal error", stderr);
        Assert.DoesNotContain("Traceback (most recent call last)", stderr);
        Assert.DoesNotMatch(new Regex(@"^\s+at \S+\(", RegexOptions.Multiline), stderr);   // a .NET stack frame
    }
}
