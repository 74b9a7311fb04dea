// A job killed by a SIGKILL lmake did not send (kill -9 by someone, the OOM killer) is lost, not failed: it is
// said so and run again (max_retries_on_lost times in the same lmake), and when no retry is left the next lmake
// runs it again rather than keeping the error (backends.md, rules.md: max_retries_on_lost).
namespace Lmake.EndToEnd.Tests;

public class LostJobTests
{
    private static string Rules(string marker, int retries) => $$"""
        from lmake.rules import Rule
        class Once(Rule):
            target              = 'once'
            max_retries_on_lost = {{retries}}
            cmd                 = 'if [ ! -e {{marker}} ] ; then touch {{marker}} ; kill -9 $$ ; fi ; echo ok'
        """;

    [Fact]
    public void AJobKilledFromOutsideIsRetried()
    {
        using var outside = new TempDir();
        using var r = new LmakeRepo(Rules(outside["killed_once"], retries: 1));
        LmakeOutput o = r.Lmake("once");
        Assert.True(o.Result.ExitCode == 0, o.ToString());
        Assert.Equal(["lost", "retry", "done"], o.Words("once"));
        Assert.Equal("ok\n", r.Repo.Read("once"));
    }

    [Fact]
    public void ALostJobWithoutRetriesLeftRunsAgainNextTime()
    {
        using var outside = new TempDir();
        using var r = new LmakeRepo(Rules(outside["killed_once"], retries: 0));
        LmakeOutput first = r.Lmake("once");
        Assert.Equal(1, first.Result.ExitCode);
        Assert.Equal(["failed"], first.Words("once"));
        LmakeOutput second = r.Lmake("once");   // nothing changed but the run was lost: it runs again
        Assert.True(second.Result.ExitCode == 0, second.ToString());
        Assert.Equal(["done"], second.Words("once"));
        Assert.Equal("ok\n", r.Repo.Read("once"));
    }
}
