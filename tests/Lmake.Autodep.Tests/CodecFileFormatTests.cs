// CodecFileFormat: a codec table file is read leniently (garbage, duplicates, git conflicts and collisions are
// resolved as codec.md says) and written strictly (sorted, once each): whether a text is canonical decides
// whether lmake rewrites it (`reformat`).
namespace Lmake.Autodep.Tests;

public class CodecFileFormatTests
{
    private static string Line(string code, string context, string value) => CodecFileFormat.Line(context, code, value);

    [Fact]
    public void Sorted_unique_lines_are_canonical_and_anything_else_is_not()
    {
        string sorted = Line("code1", "ctx", "val1") + Line("code2", "ctx", "val2") + Line("a", "ctx2", "val1");
        CodecEntries entries = CodecFileFormat.Parse(sorted, out bool canonical);
        Assert.True(canonical);
        Assert.Equal(3, entries.Count);
        Assert.Equal("val2", entries.Decode("ctx", "code2"));
        Assert.Equal("a", entries.Encode("ctx2", "val1"));
        Assert.Equal(sorted, CodecFileFormat.Format(entries));
        CodecFileFormat.Parse("", out canonical);
        Assert.True(canonical);   // an empty table
        foreach (string other in new[]
                 {
                     Line("code2", "ctx", "val2") + Line("code1", "ctx", "val1"),   // out of order
                     Line("code1", "ctx", "val1") + "\n",                            // a blank line
                     Line("code1", "ctx", "val1") + Line("code1", "ctx", "val1"),   // a duplicate
                 })
        {
            entries = CodecFileFormat.Parse(other, out canonical);
            Assert.False(canonical, other);
            Assert.Equal("val1", entries.Decode("ctx", "code1"));
        }
    }

    [Fact]
    public void Lines_that_are_no_association_are_dropped()
    {
        string text = "<<<<<<< HEAD\n" + Line("c1", "ctx", "v1") + "=======\n" + Line("c2", "ctx", "v2") + ">>>>>>> theirs\n"
            + "no tab at all\n" + "ctx\tc3\tv3\n"               // no leading tab
            + "\tc4\tctx\tv4\textra\n"                            // a fourth field
            + "\tc/5\tctx\tv5\n" + "\t\tctx\tv6\n"                // a code with '/', an empty code
            + "\tc7\tctx\tbad escape \\q\n";
        CodecEntries entries = CodecFileFormat.Parse(text, out bool canonical);
        Assert.False(canonical);
        Assert.Equal([("ctx", "c1", "v1"), ("ctx", "c2", "v2")], entries.All.ToList());   // both sides of a conflict are kept
    }

    [Fact]
    public void Of_two_codes_for_one_value_a_hand_given_one_is_kept_then_the_shorter()
    {
        string value = "codec_py\n";
        string generated = CodecCodes.Hex(value)[..3];
        CodecEntries entries = CodecFileFormat.Parse(Line(generated, "ctx", value) + Line("py", "ctx", value), out _);
        Assert.Equal("py", entries.Encode("ctx", value));
        Assert.Null(entries.Decode("ctx", generated));
        // a longer hand-given code still wins over a generated one
        entries = CodecFileFormat.Parse(Line(generated, "ctx", value) + Line("python_value", "ctx", value), out _);
        Assert.Equal("python_value", entries.Encode("ctx", value));
        // of two generated ones, the shorter
        string longer = CodecCodes.Hex(value)[..6];
        entries = CodecFileFormat.Parse(Line(longer, "ctx", value) + Line(generated, "ctx", value), out _);
        Assert.Equal(generated, entries.Encode("ctx", value));
    }

    [Fact]
    public void Of_two_values_for_one_code_one_keeps_it_and_the_other_gets_a_new_code()
    {
        // a code generated from the first value: that value keeps it, the other (given by hand) is renumbered
        string first = "first", second = "second";
        string code = CodecCodes.Hex(first)[..4];
        CodecEntries entries = CodecFileFormat.Parse(Line(code, "ctx", second) + Line(code, "ctx", first), out bool canonical);
        Assert.False(canonical);
        Assert.Equal(first, entries.Decode("ctx", code));
        Assert.Equal(code + "1", entries.Encode("ctx", second));
        // two hand-given codes: the number they end with is incremented, past the codes already taken
        entries = CodecFileFormat.Parse(Line("k7", "ctx", "a") + Line("k7", "ctx", "b") + Line("k8", "ctx", "c"), out _);
        Assert.Equal("a", entries.Decode("ctx", "k7"));
        Assert.Equal("k9", entries.Encode("ctx", "b"));
        // two generated codes (the values' checksums share their first digits): the loser is lengthened
        var values = Enumerable.Range(0, 64).Select(i => $"v{i}").ToList();
        var (x, y) = values.SelectMany(a => values.Select(b => (a, b))).First(p => p.a != p.b && CodecCodes.Hex(p.a)[0] == CodecCodes.Hex(p.b)[0]);
        string shared = CodecCodes.Hex(x)[..1];
        entries = CodecFileFormat.Parse(Line(shared, "ctx", x) + Line(shared, "ctx", y), out _);
        string kept = entries.Decode("ctx", shared)!, lost = kept == x ? y : x;
        string lengthened = entries.Encode("ctx", lost)!;
        Assert.True(lengthened.Length > 1 && CodecCodes.Hex(lost).StartsWith(lengthened, StringComparison.Ordinal), lengthened);
        // the result is the same whatever the order of the lines (a merge may give either)
        Assert.Equal(CodecFileFormat.Format(entries), CodecFileFormat.Format(CodecFileFormat.Parse(Line(shared, "ctx", y) + Line(shared, "ctx", x), out _)));
    }

    [Fact]
    public void Escaped_fields_round_trip()
    {
        string value = "a\\b\nc\td\r";
        string line = Line("k", "c", value);
        Assert.Equal("\tk\tc\ta\\\\b\\nc\\td\\r\n", line);
        Assert.Equal(value, CodecFileFormat.Parse(line, out bool canonical).Decode("c", "k"));
        Assert.True(canonical);
    }
}
