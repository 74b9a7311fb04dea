// lmark -f (lmark(1)): a frozen file that no job made is a source while the mark stands (said missing, new,
// changed as sources are, and the rules that need it apply); a frozen file a job made stands as it is (frozen,
// changed_frozen when it is not what its job left). An edit made while frozen is the file's content, as a source's:
// thawed, the file is remade by its job without a quarantine, and the remade content is new (done, not steady).
namespace Lmake.EndToEnd.Tests;

public sealed class FreezeMarkTests : IDisposable
{
    private readonly AdminRepo _r = new("""
        from lmake.rules import Rule
        class Copy(Rule):
            target = r'{File:.*}.cpy'
            dep    = '{File}'
            cmd    = 'cat'
        class Fallback(Rule):
            prio   = -1
            target = r'{File:.*}.cpy'
            cmd    = 'echo fallback'
        """);

    public void Dispose() => _r.Dispose();

    [Fact]
    public void AFrozenFileNoJobMadeIsASourceWhileTheMarkStands()
    {
        // not a source, no rule: Copy does not apply, the lower prio rule makes x.cpy
        LmakeOutput before = _r.Lmake("x.cpy");
        Assert.True(before.Result.ExitCode == 0, before.ToString());
        Assert.Equal("fallback\n", _r.Repo.Read("x.cpy"));

        Assert.Equal("", _r.Out("lmark", "-a", "-f", "x"));
        LmakeOutput missing = _r.Lmake("x.cpy");
        Assert.Equal(1, missing.Result.ExitCode);
        Assert.Equal(["missing"], missing.Words("x"));

        _r.Repo.Write("x", "content\n");
        LmakeOutput made = _r.Lmake("x.cpy");
        Assert.True(made.Result.ExitCode == 0, made.ToString());
        Assert.Equal(["new"], made.Words("x"));
        Assert.Equal(["done"], made.Words("x.cpy"));
        Assert.Equal("content\n", _r.Repo.Read("x.cpy"));
        Assert.Contains(made.Summary, l => l.StartsWith("marked frozen : x", StringComparison.Ordinal));

        _r.Repo.Write("x", "other\n");
        Assert.Equal(["changed"], _r.Lmake("x.cpy").Words("x"));
    }

    [Fact]
    public void UnfrozenAgainTheRuleNoLongerAppliesAndItsOutputGoes()
    {
        _r.Repo.Write("x", "content\n");
        Assert.Equal("", _r.Out("lmark", "-a", "-f", "x"));
        Assert.True(_r.Lmake("x.cpy").Result.ExitCode == 0);
        Assert.Equal("", _r.Out("lmark", "-d", "-f", "x"));
        // x is no source again: the fallback rule makes x.cpy, what Copy left is replaced
        LmakeOutput thawed = _r.Lmake("x.cpy");
        Assert.True(thawed.Result.ExitCode == 0, thawed.ToString());
        Assert.Contains(thawed.Statuses, s => s.Name == "x.cpy" && s.Rule == "Fallback" && s.Word == "done");
        Assert.Equal("fallback\n", _r.Repo.Read("x.cpy"));
    }

    [Fact]
    public void AFrozenTargetIsSaidFrozenOrChangedFrozenWhenEditedAndStands()
    {
        _r.Repo.Add("src", "1\n");
        Assert.True(_r.Lmake("src.cpy.cpy").Result.ExitCode == 0);
        Assert.Equal("", _r.Out("lmark", "-a", "-f", "src.cpy"));
        _r.Repo.Write("src", "2\n");
        LmakeOutput frozen = _r.Lmake("src.cpy.cpy");
        Assert.True(frozen.Result.ExitCode == 0, frozen.ToString());
        Assert.Equal(["frozen"], frozen.Words("src.cpy"));
        Assert.Empty(frozen.Words("src.cpy.cpy"));   // its dep stood still
        Assert.Equal("1\n", _r.Repo.Read("src.cpy"));

        _r.Repo.Write("src.cpy", "by hand\n");
        LmakeOutput edited = _r.Lmake("src.cpy.cpy");
        Assert.True(edited.Result.ExitCode == 0, edited.ToString());
        Assert.Equal(["changed_frozen"], edited.Words("src.cpy"));
        Assert.Equal(["done"], edited.Words("src.cpy.cpy"));
        Assert.Equal("by hand\n", _r.Repo.Read("src.cpy.cpy"));
    }

    [Fact]
    public void ThawedAfterAnEditTheFileIsRemadeWithoutQuarantine()
    {
        _r.Repo.Add("src", "1\n");
        Assert.Equal(0, _r.Lmake("src.cpy.cpy").Result.ExitCode);
        Assert.Equal("", _r.Out("lmark", "-a", "-f", "src.cpy"));
        _r.Repo.Write("src.cpy", "by hand\n");
        Assert.Equal(["changed_frozen"], _r.Lmake("src.cpy.cpy").Words("src.cpy"));
        Assert.Equal(["frozen"], _r.Lmake("src.cpy.cpy").Words("src.cpy"));   // said changed once, as a source

        Assert.Equal("", _r.Out("lmark", "-c", "-f"));
        LmakeOutput thawed = _r.Lmake("src.cpy.cpy");
        Assert.True(thawed.Result.ExitCode == 0, thawed.ToString());
        Assert.Equal(["done"], thawed.Words("src.cpy"));   // not steady: "by hand" was the file's content
        Assert.Equal(["done"], thawed.Words("src.cpy.cpy"));
        Assert.Equal(2, thawed.Statuses.Count);
        Assert.False(File.Exists(_r.Repo["LMAKE/quarantine/src.cpy"]));
        Assert.Equal("1\n", _r.Repo.Read("src.cpy.cpy"));
    }

    [Fact]
    public void EditedAgainAfterTheFreezeItIsAHandEditAsAnyOther()
    {
        _r.Repo.Add("src", "1\n");
        Assert.Equal(0, _r.Lmake("src.cpy").Result.ExitCode);
        Assert.Equal("", _r.Out("lmark", "-a", "-f", "src.cpy"));
        _r.Repo.Write("src.cpy", "while frozen\n");
        Assert.Equal(["changed_frozen"], _r.Lmake("src.cpy").Words("src.cpy"));
        Assert.Equal("", _r.Out("lmark", "-d", "-f", "src.cpy"));
        _r.Repo.Write("src.cpy", "after\n");
        LmakeOutput o = _r.Lmake("src.cpy");
        Assert.True(o.Result.ExitCode == 0, o.ToString());
        Assert.Contains("quarantined", o.Words("src.cpy"));
        Assert.Equal("after\n", _r.Repo.Read("LMAKE/quarantine/src.cpy"));
        Assert.Equal("1\n", _r.Repo.Read("src.cpy"));
    }
}
