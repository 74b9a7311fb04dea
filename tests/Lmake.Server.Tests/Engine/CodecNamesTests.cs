// CodecNames: an association's node name says its table (repo-relative or absolute), context and code (or value
// checksum) back without ambiguity, and is never taken for a file.
using Lmake.Server.Engine;

namespace Lmake.Server.Tests.Engine;

public class CodecNamesTests
{
    [Theory]
    [InlineData("codec_file", "ctx", "a3f")]
    [InlineData("/abs/codec_files/sub", "deep/er/ctx", "user_code")]
    [InlineData("dir/table", "c", "x.1")]
    public void A_decode_name_parses_back_to_its_parts(string table, string context, string code)
    {
        string name = CodecNames.Decode(table, context, code);
        Assert.StartsWith("LMAKE/", name);
        Assert.True(CodecNames.TryParse(name, out CodecEntryName e));
        Assert.Equal(new CodecEntryName(table, context, code, CodecEntryKind.Decode), e);
    }

    [Fact]
    public void An_encode_name_holds_the_value_checksum_not_the_value()
    {
        string value = "a long value\nover two lines";
        string name = CodecNames.Encode("/t", "ctx", value);
        Assert.DoesNotContain('\n', name);
        Assert.True(CodecNames.TryParse(name, out CodecEntryName e));
        Assert.Equal(CodecEntryKind.Encode, e.Kind);
        Assert.Equal(("/t", "ctx", Lmake.Autodep.CodecCodes.Base64(value)), (e.Table, e.Context, e.Key));
    }

    [Fact]
    public void A_table_state_name_and_plain_files_are_no_association()
    {
        Assert.False(CodecNames.IsEntry(CodecNames.State("codec_file")));
        Assert.False(CodecNames.IsEntry("codec_file"));
        Assert.False(CodecNames.IsEntry("sub//x.decode"));
        Assert.False(CodecNames.TryParse("LMAKE/codec:t//x.decode", out _));   // no context
    }
}
