// Deps declared with lmake.depend (ldepend) but not read by the job (lmake_module.md, depend): they must be made
// without error before the job counts as done, but what they hold is no reason to run it again; read=True makes
// them plain reads, whose content counts.
namespace Lmake.EndToEnd.Tests;

public class DeclaredDepTests
{
    private const string Lmakefile = """
        import lmake
        from lmake.rules import Rule, PyRule
        class Part(Rule):
            target = r'part_{:\d}'
            cmd    = 'echo part'
        class Gather(PyRule):
            target = r'gather_{Read:yes|no}'
            def cmd():
                lmake.depend('part_1', 'part_2', read=Read == 'yes')
        """;

    [Fact]
    public void DepsOnlyDeclaredAreMadeButDoNotRerunTheJob()
    {
        using var r = new LmakeRepo(Lmakefile);
        LmakeOutput o = r.Lmake("gather_no");
        Assert.True(o.Result.ExitCode == 0, o.ToString());
        Assert.Equal(["may_rerun", "was_done"], o.Words("gather_no"));   // its one run stands
        Assert.Equal(["done"], o.Words("part_1"));
    }

    [Fact]
    public void DepsDeclaredAndReadRerunTheJobOnceMade()
    {
        using var r = new LmakeRepo(Lmakefile);
        LmakeOutput o = r.Lmake("gather_yes");
        Assert.True(o.Result.ExitCode == 0, o.ToString());
        Assert.Equal(["may_rerun", "done"], o.Words("gather_yes"));
    }
}
