// The environment a job runs in, as the rules say it (rules.md, environ): `...` takes the backend's value,
// $REPO_ROOT, $TMPDIR, $SMALL_ID... in a value are what they stand for in that job, and lmake.user_environ is the
// environment of the lmake command, so changing what the Lmakefile read of it reads the Lmakefile again.
namespace Lmake.EndToEnd.Tests;

public class JobEnvironmentTests
{
    [Fact]
    public void EllipsisTakesTheBackendValueAndKeysAreReplaced()
    {
        using var r = new LmakeRepo("""
            import lmake
            from lmake.rules import Rule
            lmake.config.backends.local.environ = {'FROM_CONFIG': 'configured'}
            class Show(Rule):
                target  = 'show'
                environ = {'FROM_CONFIG': ..., 'ROOT': '$REPO_ROOT', 'SLOT': 'id$SMALL_ID', 'OTHER': '$NOT_A_KEY'}
                cmd     = 'echo "$FROM_CONFIG $ROOT $SLOT $OTHER"'
            """);
        LmakeOutput o = r.Lmake("show");
        Assert.True(o.Result.ExitCode == 0, o.ToString());
        string[] words = r.Repo.Read("show").Trim().Split(' ');
        Assert.Equal("configured", words[0]);
        Assert.Equal(Path.GetFullPath(r.Repo.Path), Path.GetFullPath(words[1]));
        Assert.Matches("^id[1-9][0-9]*$", words[2]);
        Assert.Equal("$NOT_A_KEY", words[3]);          // not one of the keys: left for whoever reads it
    }

    [Fact]
    public void ChangingAUserEnvironVariableTheLmakefileReadReadsItAgain()
    {
        using var r = new LmakeRepo("""
            import lmake
            from lmake.rules import Rule
            flavour = lmake.user_environ.get('LMAKE_TEST_FLAVOUR', 'plain')
            class Show(Rule):
                target = 'show'
                cmd    = 'echo {flavour}'
            """);
        var first = new LmakeOutput(Installed.Run(Installed.Bin("lmake"), ["show"], r.Repo.Path,
            new Dictionary<string, string?> { ["LMAKE_TEST_FLAVOUR"] = "salty", ["LMAKE_SERVER_IDLE_MS"] = "10000" }));
        Assert.True(first.Result.ExitCode == 0, first.ToString());
        Assert.Equal("salty\n", r.Repo.Read("show"));
        // the same server (kept alive) serves a command run in another environment
        var second = new LmakeOutput(Installed.Run(Installed.Bin("lmake"), ["show"], r.Repo.Path,
            new Dictionary<string, string?> { ["LMAKE_TEST_FLAVOUR"] = "sweet" }));
        Assert.True(second.Result.ExitCode == 0, second.ToString());
        Assert.Contains("read Lmakefile.py because", second.Result.Stderr);
        Assert.Equal("sweet\n", r.Repo.Read("show"));
        Assert.Equal(["done"], second.Words("show"));
    }
}
