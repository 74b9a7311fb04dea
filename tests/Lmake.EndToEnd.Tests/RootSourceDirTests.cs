// extra_manifest = ('/',) (config.md): the whole file system is a source dir. A file a job reads anywhere is
// then a dep, said new and changed as sources of the repo are, and lshow -d lists it by its absolute name.
namespace Lmake.EndToEnd.Tests;

public sealed class RootSourceDirTests : IDisposable
{
    private readonly TempDir _outside = new("lmake-system-");
    private readonly LmakeRepo _r;

    public RootSourceDirTests()
    {
        _outside.Write("data", "first\n");
        _r = new LmakeRepo($$"""
            import lmake
            from lmake.rules import Rule
            lmake.manifest       = ('Lmakefile.py',)
            lmake.extra_manifest = ('/',)
            class Dut(Rule):
                target = 'dut'
                cmd    = 'cat {{_outside["data"]}}'
            """);
    }

    public void Dispose()
    {
        _r.Dispose();
        _outside.Dispose();
    }

    [Fact]
    public void AFileReadOutsideTheRepoIsADepSaidNewThenChanged()
    {
        LmakeOutput first = _r.Lmake("dut");
        Assert.True(first.Result.ExitCode == 0, first.ToString());
        Assert.Equal(["new"], first.Words(_outside["data"]));
        Assert.Contains(_r.Repo.Run("lshow", "-d", "dut").Stdout.Split('\n'), l => l.EndsWith(" " + _outside["data"], StringComparison.Ordinal));

        _outside.Write("data", "second\n");
        LmakeOutput second = _r.Lmake("dut");
        Assert.True(second.Result.ExitCode == 0, second.ToString());
        Assert.Equal(["changed"], second.Words(_outside["data"]));
        Assert.Equal(["done"], second.Words("dut"));
        Assert.Equal("second\n", _r.Repo.Read("dut"));
    }
}
