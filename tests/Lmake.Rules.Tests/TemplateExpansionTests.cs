// A target's name compared with its pattern's expansion without making it (Template.IsExpansion): the same answer as
// comparing with ExpandStems, for names that are, are nearly and are not the expansion (a no-op asks it of every job).
using Lmake.Server.Rules;

namespace Lmake.Rules.Tests;

public class TemplateExpansionTests
{
    private static readonly Template Pattern = new(["src/", "Dir", "/", "Base", ".o"]);

    [Theory]
    [InlineData("src/d1/f1.o", true)]
    [InlineData("src/d1/f1.o2", false)]
    [InlineData("src/d1/f1.", false)]
    [InlineData("src/d1/f2.o", false)]
    [InlineData("src/d10/f1.o", false)]
    [InlineData("", false)]
    public void SameAnswerAsTheExpansion(string name, bool expected)
    {
        var stems = new StemValues(["Dir", "Base"], ["d1", "f1"]);
        Assert.Equal(expected, name == Pattern.ExpandStems(stems));
        Assert.Equal(expected, Pattern.IsExpansion(name, stems));
    }

    [Fact]
    public void AStemWithoutAValueIsShownAsAStarStem()
    {
        var stems = new StemValues(["Dir"], ["d1"]);
        Assert.Equal("src/d1/{Base*}.o", Pattern.ExpandStems(stems));
        Assert.True(Pattern.IsExpansion("src/d1/{Base*}.o", stems));
        Assert.False(Pattern.IsExpansion("src/d1/{Base}.o", stems));
        Assert.False(Pattern.IsExpansion("src/d1/{Base*", stems));
        Assert.True(new Template(["lit"]).IsExpansion("lit", stems));
        Assert.False(new Template(["lit"]).IsExpansion("li", stems));
    }

    [Fact]
    public void ATemplateKeepsItsOwnCopyOfTheReadersParts()
    {
        // (it keeps an array of the exact size, not the reader's list: what the list becomes after does not change it)
        var parts = new List<string> { "out/", "Name", ".txt" };
        var template = new Template(parts);
        parts[1] = "Other";
        parts.Add("more");
        Assert.Equal(["out/", "Name", ".txt"], template.Parts);
        Assert.Equal("out/x.txt", template.ExpandStems(new StemValues(["Name"], ["x"])));
    }

    [Fact]
    public void PartsThatDoNotAlternateTextAndNamesAreRefused() =>
        Assert.Throws<ArgumentException>(() => new Template(["a", "B"]));
}
