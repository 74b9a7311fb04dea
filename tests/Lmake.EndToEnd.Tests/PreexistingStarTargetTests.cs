// A file matching a star target of a job, there before the job looked at it and made by no job (by hand): the
// job's view of it would depend on that accident, so it is moved to LMAKE/quarantine/ (never lost) and the job
// runs again without it (lmake_module.md, check_deps: written targets must not be pre-existing).
namespace Lmake.EndToEnd.Tests;

public class PreexistingStarTargetTests
{
    [Theory]
    [InlineData("[ -e part2 ] && exit 1 ; echo 1 >part1 ; echo 2 >part2")]                          // seen by a test
    [InlineData("python3 -c \"open('part1','x').write('1') ; open('part2','x').write('2')\"")]        // an exclusive create
    public void AHandMadeStarTargetIsQuarantinedAndTheJobRerun(string cmd)
    {
        using var r = new LmakeRepo($$"""
            from lmake.rules import Rule
            class Parts(Rule):
                targets = {'PART': r'part{N*:\d}'}
                cmd     = '''{{cmd}}'''
            """);
        r.Repo.Write("part2", "by hand\n");
        LmakeOutput o = r.Lmake("part1");
        Assert.True(o.Result.ExitCode == 0, o.ToString());
        Assert.Equal(["rerun", "done"], o.Jobs.Select(s => s.Word).ToArray());
        Assert.Equal("2", r.Repo.Read("part2").Trim());
        Assert.Equal("by hand\n", r.Repo.Read("LMAKE/quarantine/part2"));
    }
}
