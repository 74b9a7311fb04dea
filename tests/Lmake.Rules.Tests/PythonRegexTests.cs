// Python re syntax translated to .NET: what differs is rewritten, what cannot be is refused.
using System.Text.RegularExpressions;
using Lmake.Server.Rules;

namespace Lmake.Rules.Tests;

public class PythonRegexTests
{
    [Theory]
    [InlineData(@"(?P<x>a+)(?P=x)", "aaaa", true)]
    [InlineData(@"(?P<x>a+)(?P=x)", "aaa", false)]
    [InlineData(@"a{,2}", "aa", true)]
    [InlineData(@"a{,2}", "aaa", false)]
    [InlineData(@"[]a]+", "]a]", true)]
    [InlineData(@"[[a]+", "a[", true)]
    [InlineData(@"(?i)abc", "ABC", true)]
    [InlineData(@"(?u:\w+)", "été", true)]
    [InlineData(@"abc\Z", "abc", true)]
    [InlineData(@"(?s:.)", "\n", true)]
    [InlineData(@"\d+", "123", true)]
    public void TranslatedRegexprsMatchAsInPython(string python, string input, bool matches)
    {
        var re = new Regex(@"\A(?:" + PythonRegex.ToDotNet(python) + @")\z");
        Assert.Equal(matches, re.IsMatch(input));
    }

    [Theory]
    [InlineData(@"(a)\1", "numeric backreference")]
    [InlineData(@"(?a:\w)", "ASCII flag")]
    [InlineData(@"\N{DIGIT ONE}", "named character")]
    [InlineData(@"[abc", "unterminated character set")]
    public void UntranslatableRegexprsAreRefused(string python, string why)
    {
        var e = Assert.Throws<FormatException>(() => PythonRegex.ToDotNet(python));
        Assert.Contains(why, e.Message);
    }
}
