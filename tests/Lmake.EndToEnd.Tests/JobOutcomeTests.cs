// How a job ends and what lmake says of it (spec A4, A5), end to end.
namespace Lmake.EndToEnd.Tests;

public class JobOutcomeTests
{
    [Fact]
    public void UnexpectedWriteFailsWithAHint()
    {
        using var r = new LmakeRepo("""
            from lmake.rules import Rule
            class W(Rule):
                targets = {'T': r'{F:.*}.t'}
                cmd     = 'echo x > {T}; echo y > stray_{F}'
            """);
        LmakeOutput o = r.Lmake("a.t");
        Assert.Equal(1, o.Result.ExitCode);
        Assert.Equal([("failed", "W")], o.Jobs.Select(s => (s.Word, s.Rule)));
        Assert.Contains("  unexpected write to stray_a", o.Other);
        Assert.Contains("  consider : lmake.target('stray_a') or ltarget stray_a", o.Other);
    }

    [Fact]
    public void ATemporaryFileRenamedAwayIsNoUnexpectedWrite()
    {
        using var r = new LmakeRepo("""
            from lmake.rules import Rule
            class W(Rule):
                targets = {'T': r'{F:.*}.t'}
                cmd     = 'echo x > tmp_{F}; mv tmp_{F} {T}'
            """);
        LmakeOutput o = r.Lmake("a.t");
        Assert.True(o.Result.ExitCode == 0, o.ToString());
        Assert.Equal("x\n", r.Repo.Read("a.t"));
    }

    [Fact]
    public void StderrWithoutStderrOkFails()
    {
        using var r = new LmakeRepo("""
            from lmake.rules import Rule
            class Noisy(Rule):
                targets = {'T': r'{F:.*}.t'}
                cmd     = 'echo oops >&2; echo x > {T}'
            class Quiet(Rule):
                targets = {'T': r'{F:.*}.q'}
                stderr_ok = True
                cmd     = 'echo fine >&2; echo x > {T}'
            """);
        LmakeOutput noisy = r.Lmake("a.t");
        Assert.Equal(1, noisy.Result.ExitCode);
        Assert.Contains("\toops", noisy.Other);
        LmakeOutput quiet = r.Lmake("a.q");
        Assert.True(quiet.Result.ExitCode == 0, quiet.ToString());
        Assert.Contains("\tfine", quiet.Other);
    }

    [Fact]
    public void AHandEditedTargetIsQuarantinedBeforeItsJobRunsAgain()
    {
        using var r = new LmakeRepo(LmakeRepo.CopyLmakefile);
        r.Repo.Add("a", "1\n");
        Assert.Equal(0, r.Lmake("a.copy").Result.ExitCode);
        r.Repo.Write("a.copy", "edited by hand\n");
        LmakeOutput o = r.Lmake("a.copy");
        Assert.True(o.Result.ExitCode == 0, o.ToString());
        Assert.Contains(o.Statuses, s => s.Word == "quarantined" && s.Name == "a.copy");
        Assert.Equal("edited by hand\n", r.Repo.Read("LMAKE/quarantine/a.copy"));
        Assert.Equal("1\n", r.Repo.Read("a.copy"));
    }

    [Fact]
    public void ADiscoveredDepInErrorEndsTheReaderInDepError()
    {
        using var r = new LmakeRepo("""
            from lmake.rules import Rule
            class Bad(Rule):
                targets = {'T': 'bad'}
                cmd     = 'exit 3'
            class Reader(Rule):
                targets = {'T': 'reader'}
                cmd     = 'cat bad > {T} 2>/dev/null || echo none > {T}'
            """);
        LmakeOutput o = r.Lmake("reader");
        Assert.Equal(1, o.Result.ExitCode);
        Assert.Contains(o.Jobs, s => s.Rule == "Bad" && s.Word == "failed");
        Assert.Contains(o.Jobs, s => s.Rule == "Reader" && s.Word.EndsWith("dep_error", StringComparison.Ordinal));
        Assert.Contains("  dep in error : bad", o.Other);
    }

    [Fact]
    public void ABrokenLmakefileExits8WithFileAndLine()
    {
        using var r = new LmakeRepo("""
            import lmake
            lmake.config.no_such_key = 1
            """);
        LmakeOutput o = r.Lmake("x");
        Assert.Equal(8, o.Result.ExitCode);
        Assert.Contains("Lmakefile.py:2", o.Result.Stderr);
        Assert.Contains("no_such_key", o.Result.Stderr);
        Assert.DoesNotContain("Traceback", o.Result.Stderr);
    }

    [Fact]
    public void JobsSeeTheEnvironmentOfA8()
    {
        using var r = new LmakeRepo("""
            from lmake.rules import Rule
            class Env(Rule):
                targets = {'T': 'env.txt'}
                environ = {'GREETING': 'hi'}
                cmd     = 'echo "$HOME|$GREETING|$JOB_ID|$SMALL_ID" > {T}; test -d "$TMPDIR"; which lmake >/dev/null'
            """);
        LmakeOutput o = r.Lmake("env.txt");
        Assert.True(o.Result.ExitCode == 0, o.ToString());
        string[] f = r.Repo.Read("env.txt").TrimEnd().Split('|');
        Assert.Equal(r.Repo.Path, f[0]);
        Assert.Equal("hi", f[1]);
        Assert.Matches(@"^\d+$", f[2]);
        Assert.Matches(@"^\d+$", f[3]);
    }

    [Fact]
    public void RetryOnErrorRunsAFailedJobAgain()
    {
        using var marker = new TempDir("lmake-retry-");   // outside the repo: not a dep, survives the run
        string flag = marker["failed-once"];
        using var r = new LmakeRepo($$"""
            from lmake.rules import Rule
            class Flaky(Rule):
                targets = {'T': r'{F:.*}.t'}
                cmd     = 'if [ -e {{flag}} ]; then echo ok > {T}; else touch {{flag}}; echo flaky >&2; exit 1; fi'
            """);
        LmakeOutput o = r.Lmake("-r", "1", "a.t");
        Assert.True(o.Result.ExitCode == 0, o.ToString());
        Assert.Equal(["failed", "retry", "done"], o.Words("a.t"));   // the failed run is said, then its retry
        Assert.Contains("\tflaky", o.Other);
        Assert.Equal("ok\n", r.Repo.Read("a.t"));
    }
}
