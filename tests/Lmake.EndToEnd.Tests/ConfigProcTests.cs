// lmake.config's procs (config.md): functions of the Lmakefile called around the server's life and each lmake
// command, in that order, before the command returns (what a script reads right after lmake is complete).
namespace Lmake.EndToEnd.Tests;

public class ConfigProcTests
{
    [Fact]
    public void ProcsAreCalledAroundTheServerAndTheCommand()
    {
        using var r = new LmakeRepo("""
            import lmake
            from lmake.rules import Rule
            def note(what): print(what, file=open('procs.log', 'a'))
            lmake.config.server_start_proc = lambda: note('server start')
            lmake.config.req_start_proc    = lambda: note('req start')
            lmake.config.req_end_proc      = lambda: note('req end')
            lmake.config.server_end_proc   = lambda: note('server end')
            class Dut(Rule):
                target = 'dut'
                cmd    = 'echo ok'
            """);
        LmakeOutput o = r.Lmake("dut");
        Assert.True(o.Result.ExitCode == 0, o.ToString());
        Assert.DoesNotContain("no effect", o.Result.Stderr);
        Assert.Equal("server start\nreq start\nreq end\nserver end\n", r.Repo.Read("procs.log"));
    }
}
