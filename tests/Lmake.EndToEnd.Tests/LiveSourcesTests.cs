// While an lmake makes targets, a second one may come with a changed Lmakefile: new rules and config are taken
// at once, but new sources are refused (exit 5) until the repo is steady, then taken.
using System.Diagnostics;

namespace Lmake.EndToEnd.Tests;

public class LiveSourcesTests
{
    [Fact]
    public async Task NewSourcesWaitForTheRepoToBeSteady()
    {
        using var flags = new TempDir("lmake-hold-");   // outside the repo: not deps nor targets of the job
        using var r = new LmakeRepo($$"""
            import lmake
            from lmake.rules import Rule
            from extra import extra
            lmake.manifest = ['Lmakefile.py', 'extra.py'] + extra
            class Hold(Rule):
                target = 'held'
                cmd    = 'touch {{flags["started"]}} ; while [ ! -e {{flags["release"]}} ] ; do sleep 0.1 ; done'
            """);
        r.Repo.Add("extra.py", "extra = []\n");
        Task<LmakeOutput> holding = Task.Run(() => r.Lmake("held"));
        for (var waited = Stopwatch.StartNew(); !File.Exists(flags["started"]) && waited.Elapsed < TimeSpan.FromSeconds(60);)
            await Task.Delay(50);
        r.Repo.Add("new_src", "n\n");
        r.Repo.Write("extra.py", "extra = ['new_src']\n");
        LmakeOutput refused = r.Lmake("new_src");
        File.WriteAllText(flags["release"], "");
        Assert.Equal(5, refused.Result.ExitCode);
        Assert.Equal(0, (await holding).Result.ExitCode);
        LmakeOutput taken = r.Lmake("new_src");
        Assert.True(taken.Result.ExitCode == 0, taken.ToString());
        Assert.Contains(new Status("new", "src", "new_src"), taken.Statuses);
    }
}
