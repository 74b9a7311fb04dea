// CodecDirRepair (lcodec_repair): a table dir edited by hand or damaged is made coherent again; by default only
// whole associations stay, with reconstruct the decode entries are the truth and the rest is made for them.
namespace Lmake.Autodep.Tests;

public class CodecDirRepairTests
{
    [Fact]
    public void Reconstruct_turns_a_hand_written_decode_file_into_an_association()
    {
        using var dir = new TempRepo();
        string table = dir["tab.d"];
        Directory.CreateDirectory(table);
        string code = CodecDir.Encode(table, "ctx", "kept\n", 3);
        File.WriteAllText(Path.Combine(table, "tab", "ctx", "user_code.decode"), "user_val\n");
        var plan = CodecDirRepair.Plan(table, reconstruct: true);
        Assert.Contains(plan, a => a.Kind == CodecRepairKind.Link && a.Path.EndsWith("user_code.decode", StringComparison.Ordinal));
        Assert.Contains(plan, a => a.Kind == CodecRepairKind.Write && a.Path.EndsWith(CodecCodes.Base64("user_val\n"), StringComparison.Ordinal));
        CodecDirRepair.Apply(table, plan);
        Assert.Equal("user_code", CodecDir.Encode(table, "ctx", "user_val\n", 1));   // known now, both ways
        Assert.Equal("user_val\n", CodecDir.Decode(table, "ctx", "user_code"));
        Assert.Equal("kept\n", CodecDir.Decode(table, "ctx", code));
        Assert.Empty(CodecDirRepair.Plan(table, reconstruct: false));
    }

    [Fact]
    public void Without_reconstruct_what_is_not_a_whole_association_goes()
    {
        using var dir = new TempRepo();
        string table = dir["tab.d"];
        Directory.CreateDirectory(table);
        string whole = CodecDir.Encode(table, "ctx", "whole", 2);
        string broken = CodecDir.Encode(table, "ctx", "broken", 2);
        File.Delete(Path.Combine(table, "tab", "ctx", CodecCodes.Base64("broken") + ".encode"));   // its encode link lost
        File.WriteAllText(Path.Combine(table, "tab", "ctx", "by_hand.decode"), "v");                  // not a link
        File.WriteAllText(Path.Combine(table, "stray"), "");
        Directory.CreateDirectory(Path.Combine(table, "LMAKE"));
        File.WriteAllText(Path.Combine(table, "LMAKE", "file_sync"), "none");
        var plan = CodecDirRepair.Plan(table, reconstruct: false);
        Assert.All(plan, a => Assert.Equal(CodecRepairKind.Remove, a.Kind));
        Assert.Equal(
            new[] { "stray", "store/" + CodecCodes.Base64("broken"), $"tab/ctx/{broken}.decode", "tab/ctx/by_hand.decode" }.OrderBy(p => p, StringComparer.Ordinal),
            plan.Select(a => Path.GetRelativePath(table, a.Path)).OrderBy(p => p, StringComparer.Ordinal));
        CodecDirRepair.Apply(table, plan);
        Assert.Equal("whole", CodecDir.Decode(table, "ctx", whole));
        Assert.Null(CodecDir.Decode(table, "ctx", broken));
        Assert.True(File.Exists(Path.Combine(table, "LMAKE", "file_sync")));   // its own settings are left alone
        Assert.Empty(CodecDirRepair.Plan(table, reconstruct: false));
    }

    [Fact]
    public void Reconstruct_keeps_one_code_per_value_preferring_a_hand_given_one()
    {
        using var dir = new TempRepo();
        string table = dir["tab.d"];
        Directory.CreateDirectory(table);
        string generated = CodecDir.Encode(table, "ctx", "same", 4);
        File.WriteAllText(Path.Combine(table, "tab", "ctx", "nice.decode"), "same");
        CodecDirRepair.Apply(table, CodecDirRepair.Plan(table, reconstruct: true));
        Assert.Equal("nice", CodecDir.Encode(table, "ctx", "same", 4));
        Assert.Null(CodecDir.Decode(table, "ctx", generated));
    }
}
